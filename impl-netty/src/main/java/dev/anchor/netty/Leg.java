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
 * every write before it); abort's whole point is not to.
 */
// tag::leg-endings[]
final class Leg {
    private Leg() {
    }

    /**
     * FIN after what was written: we will write no more, but keep reading (half-close). The future
     * completes once the FIN is sent, or fails with the write that could not be flushed.
     */
    static ChannelFuture shutdownOutputOnFlush(Channel ch) {
        ChannelPromise sent = ch.newPromise();
        ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) flushed -> {
            if (flushed.isSuccess()) {
                ((DuplexChannel) ch).shutdownOutput(sent);
            } else {
                sent.setFailure(flushed.cause());
            }
        });
        return sent;
    }

    /**
     * Completes once what was written to {@code ch} is flushed. The last direction of a tunnel to
     * see its FIN ends with this rather than a half-close, and the close of both legs that follows
     * sends the FIN: {@code ch}'s own peer finished first and every byte it sent has been read, so
     * no unread input can turn that close into a RST. It spares a shutdown that Netty answers by
     * building an exception, stack trace and all, to fail writes that cannot be pending here; in the
     * profile of upgrades, filling in those stack traces (two per tunnel) took 6% of the gateway's CPU.
     */
    static ChannelFuture flushed(Channel ch) {
        return ch.writeAndFlush(Unpooled.EMPTY_BUFFER);
    }

    /** Close with RST (SO_LINGER 0): the peer learns the other side failed, not that it finished. */
    static void abort(Channel ch) {
        try {
            if (ch.isOpen()) {
                ch.config().setOption(ChannelOption.SO_LINGER, 0);
            }
        } catch (ChannelException alreadyGone) {
            // the socket failed under us: the plain close below is all that is left
        }
        ch.close();
    }
}
// end::leg-endings[]
