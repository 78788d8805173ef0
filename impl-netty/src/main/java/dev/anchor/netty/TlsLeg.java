package dev.anchor.netty;

import dev.anchor.core.config.Timeouts;
import dev.anchor.core.tls.ServerTls;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;

/**
 * TLS on a client leg: an {@link SslHandler} at the bottom of its pipeline, and this handler right
 * above it, which turns what TLS says about the stream into what the rest of the pipeline already
 * understands. Everything above sees the decrypted stream, exactly as on a plaintext leg; the few
 * things that differ over TLS are here, and {@link Leg} and {@link ReplyAndLinger} ask this class
 * rather than look for TLS themselves.
 *
 * <p>The handshake. The engine comes from the {@link ServerTls} in force when the connection was
 * accepted, so a reload's certificates reach new connections. SslHandler's own handshake timer is
 * off: {@code timeouts.head} runs from the accept to the end of the request head, TLS handshake
 * included, so a client that opens TCP and never finishes TLS is closed by the deadline that closes
 * one that never finishes its head, and there is no second, fixed one. A failed handshake
 * (plaintext on this port, TLS 1.0 or 1.1, no common cipher) is SslHandler's to answer with an
 * alert and a close; this handler logs it, once, and keeps the exception that follows from reaching
 * the handlers above, which would log it again.
 *
 * <p>Reads. Auto-read is off, and a handler above asks for each read. A read of {@code
 * tunnel.buffer} bytes may hold part of a record only, which SslHandler keeps and passes nothing
 * up for; or several records, each passed up as a buffer of its own, which the {@link Relay}
 * queues behind its write in flight. SslHandler asks for another read by itself only after a
 * wakeup that passed nothing up at all; a wakeup whose first read completed a record and whose
 * later reads brought only part of the next one leaves the relay waiting for a read no one asked
 * for, and the tunnel stalls. So this handler remembers that a read was asked for from above and
 * not yet answered with bytes, and asks again when the wakeup ends. Nothing is read ahead of the
 * relay but what one read brings and the part of a record SslHandler holds.
 *
 * <p>Endings. SslHandler never closes the channel when the client's close_notify arrives: it
 * fires {@link SslCloseCompletionEvent#SUCCESS}, and this handler passes it up as the
 * {@link ChannelInputShutdownEvent} a FIN is, so the handshake, the relay and the lingering close
 * treat "the client's stream ended" the same whichever way it ended (a bare FIN, without
 * close_notify, too: {@code ALLOW_HALF_CLOSURE} makes the transport report it, and SslHandler lets it
 * through; that option concerns TCP only and changes nothing about close_notify). In TLS 1.3 the
 * other direction stays open; in TLS 1.2 the JDK's engine answers a close_notify with its own at
 * once, as that version requires, and what the gateway still writes to the leg fails, as writes to a
 * plaintext client that closed its socket do. Going the other way: a plain close goes through
 * SslHandler, which sends close_notify before FIN; a half-close sends close_notify, then FIN
 * ({@link #closeOutput}); an abort closes beneath SslHandler ({@link #closeBeneath}), so the client
 * gets RST and nothing that reads as a clean end.
 */
final class TlsLeg extends ChannelDuplexHandler {
    private static final System.Logger LOG = System.getLogger(TlsLeg.class.getName());

    private final SslHandler ssl;
    /** A handler above asked for a read, and no decrypted bytes have come up since. Event loop only. */
    private boolean readWanted;
    /** The client's stream has ended (close_notify or FIN) and the handlers above have been told. Event loop only. */
    private boolean inputEnded;
    /** What went wrong before the handshake failed, if the failure itself only says the channel closed. */
    private Throwable trouble;

    private TlsLeg(SslHandler ssl) {
        this.ssl = ssl;
    }

    /** Puts TLS at the bottom of a new client leg's pipeline, before any handler that reads the stream. */
    static void install(Channel ch, ServerTls tls, Timeouts timeouts) {
        SslHandler ssl = new SslHandler(tls.newEngine());
        ssl.setHandshakeTimeoutMillis(0); // timeouts.head covers it: see the class comment
        // a close_notify that cannot be flushed is a stalled write like any other: the leg closes without it
        ssl.setCloseNotifyFlushTimeoutMillis(timeouts.write().toMillis());
        ssl.setCloseNotifyReadTimeoutMillis(0); // a close does not wait for the client's close_notify
        ch.pipeline().addLast("tls", ssl);
        ch.pipeline().addLast("tls-leg", new TlsLeg(ssl));
    }

    /** Whether {@code h} is part of a leg's TLS layer, which stays as long as the connection does. */
    static boolean isLayer(ChannelHandler h) {
        return h instanceof SslHandler || h instanceof TlsLeg;
    }

    /** Whether {@code ch} speaks TLS and its handshake has not succeeded yet: nothing can be written to it. */
    static boolean handshaking(Channel ch) {
        TlsLeg tls = of(ch);
        return tls != null && !tls.ssl.handshakeFuture().isSuccess();
    }

    /** Whether the client's close_notify has arrived on {@code ch}: its stream has ended, FIN or not. */
    static boolean closeNotified(Channel ch) {
        TlsLeg tls = of(ch);
        return tls != null && tls.ssl.sslCloseFuture().isSuccess();
    }

    /**
     * Sends close_notify on {@code ch}, after what was written and flushed to it; completes once it
     * is flushed, and at once on a plaintext leg. The TLS half of a half-close: call it only once
     * everything written before has been flushed, because the engine encrypts nothing after it.
     */
    static ChannelFuture closeOutput(Channel ch) {
        TlsLeg tls = of(ch);
        return tls == null ? ch.newSucceededFuture() : tls.ssl.closeOutbound();
    }

    /** Closes {@code ch} beneath its TLS layer, if it has one: no close_notify goes out first. */
    static void closeBeneath(Channel ch) {
        ChannelHandlerContext tls = ch.pipeline().context(SslHandler.class);
        if (tls != null) {
            tls.close(); // from SslHandler's own context, a close goes to the transport, not through it
        } else {
            ch.close();
        }
    }

    private static TlsLeg of(Channel ch) {
        return ch.pipeline().get(TlsLeg.class);
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        readWanted = true;
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        readWanted = false;
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (readWanted) {
            ctx.read(); // the reads of this wakeup went into part of a record: the one asked for is still owed
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (!done.isSuccess()) {
                LOG.log(System.Logger.Level.DEBUG, () -> "TLS handshake with " + ctx.channel().remoteAddress()
                        + " failed: " + why(done.cause()));
                ctx.close();
            }
        } else if (evt instanceof SslCloseCompletionEvent closed) {
            if (closed.isSuccess()) {
                inputEnded(ctx);
            }
        } else if (evt instanceof ChannelInputShutdownEvent) {
            inputEnded(ctx);
        } else {
            ctx.fireUserEventTriggered(evt);
            return;
        }
        ReferenceCountUtil.release(evt);
    }

    /** Tells the handlers above, once, that the client's stream ended. */
    private void inputEnded(ChannelHandlerContext ctx) {
        if (!inputEnded) {
            inputEnded = true;
            ctx.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (ssl.handshakeFuture().isSuccess()) {
            ctx.fireExceptionCaught(cause); // a broken record or a reset in a tunnel: the relay's to handle
            return;
        }
        // the handshake's failure, whose event says why; or a reset before it, which the close below turns into one
        if (trouble == null && !ssl.handshakeFuture().isDone()) {
            trouble = cause;
        }
        ctx.close();
    }

    private String why(Throwable cause) {
        Throwable c = cause instanceof ClosedChannelException && trouble != null ? trouble : cause;
        if (c instanceof DecoderException && c.getCause() != null) {
            c = c.getCause(); // what SslHandler's decoding ran into
        }
        if (c instanceof NotSslRecordException) {
            return "what it sent is not TLS (plaintext to a TLS port?)"; // its message dumps every byte read
        }
        if (c instanceof ClosedChannelException) {
            return "the connection closed before the handshake finished";
        }
        return String.valueOf(c.getMessage());
    }
}
