package dev.anchor.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.DuplexChannel;

/**
 * The two ways the gateway ends its side of a TCP connection besides a plain close. The half-close
 * waits for the bytes already written to be flushed first (an empty write completes only after
 * every write before it); abort's whole point is not to. On a client leg that speaks TLS, each
 * says so in TLS too ({@link TlsLeg}): close_notify before the FIN, none before the RST.
 */
// tag::leg-endings[]
final class Leg {
    private Leg() {
    }

    /**
     * FIN after what was written: we will write no more, but keep reading (half-close). The future
     * completes once the FIN is sent, or fails with the write that could not be flushed. Over TLS,
     * close_notify goes between the two: the client learns the stream ended, not that it was cut.
     */
    static ChannelFuture shutdownOutputOnFlush(Channel ch) {
        ChannelPromise sent = ch.newPromise();
        ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) flushed -> {
            if (!flushed.isSuccess()) {
                sent.setFailure(flushed.cause());
                return;
            }
            TlsLeg.closeOutput(ch).addListener((ChannelFutureListener) notified -> {
                if (notified.isSuccess()) {
                    ((DuplexChannel) ch).shutdownOutput(sent);
                } else {
                    sent.setFailure(notified.cause());
                }
            });
        });
        return sent;
    }

    /** Whether the peer's stream has ended: a FIN read, or over TLS a close_notify, FIN or not. */
    static boolean inputEnded(Channel ch) {
        return ((DuplexChannel) ch).isInputShutdown() || TlsLeg.closeNotified(ch);
    }

    /**
     * Completes once what was written to {@code ch} is flushed. The last direction of a tunnel to
     * see its FIN ends with this rather than a half-close, and the close of both legs that follows
     * sends the FIN: {@code ch}'s own peer finished first and every byte it sent has been read, so
     * no unread input can turn that close into a RST; over TLS the close sends close_notify first,
     * as SslHandler does with every close that goes through the pipeline. It spares a shutdown that
     * Netty answers by building an exception, stack trace and all, to fail writes that cannot be
     * pending here; in the profile of upgrades, filling in those stack traces (two per tunnel) took
     * 6% of the gateway's CPU.
     */
    static ChannelFuture flushed(Channel ch) {
        return ch.writeAndFlush(Unpooled.EMPTY_BUFFER);
    }

    /**
     * Close with RST (SO_LINGER 0): the peer learns the other side failed, not that it finished. So
     * over TLS no close_notify goes first, which would tell a client that reads it before the RST
     * that the stream ended cleanly.
     */
    static void abort(Channel ch) {
        try {
            if (ch.isOpen()) {
                ch.config().setOption(ChannelOption.SO_LINGER, 0);
            }
        } catch (ChannelException alreadyGone) {
            // the socket failed under us: the plain close below is all that is left
        }
        TlsLeg.closeBeneath(ch);
    }
}
// end::leg-endings[]
