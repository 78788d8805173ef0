package dev.anchor.netty;

import dev.anchor.core.gateway.ConnectFailure;
import dev.anchor.core.gateway.Decision;
import dev.anchor.core.gateway.HandshakeRelay;
import dev.anchor.core.http.HeadParseException;
import dev.anchor.core.http.RequestHead;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The client's side of the opening handshake, behind the {@link HeadDecoder}: keeps the deadline
 * for the whole request head, asks core what the head gets, and either answers it or dials the
 * backends. It then waits, reading nothing more from the client, while the backend's
 * {@link AnswerHandler} forwards the request and reads the answer; the answer replaces this handler
 * with a tunnel or a {@link LingerHandler}. Every status it sends comes from {@link HandshakeRelay}.
 */
final class HandshakeHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(HandshakeHandler.class.getName());

    private final GatewayContext gateway;
    private final HandshakeRelay relay;
    // every field below: event loop only
    private Channel client;
    private InetSocketAddress clientAddress;
    private ScheduledFuture<?> headDeadline;
    /** The head's verdict once it said "forward"; null while the head is still arriving. */
    private Decision.Forward forward;
    /** Bytes the client sent behind its head, until they are written behind the forwarded head. */
    private CompositeByteBuf early;
    /** The backend connection being dialed or answering, if any. */
    private Channel upstream;

    HandshakeHandler(GatewayContext gateway) {
        this.gateway = gateway;
        this.relay = gateway.relay();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        client = ctx.channel();
        clientAddress = (InetSocketAddress) client.remoteAddress();
        headDeadline = ctx.executor().schedule(() -> {
            LingerHandler.replyAndClose(client, relay.headTimedOut());
        }, gateway.config().timeouts().head().toMillis(), TimeUnit.MILLISECONDS);
        // the head decoder asks for the next read itself whenever a read did not complete a head
        ctx.read();
    }

    // tag::request[]
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof RequestHead head) {
            headDeadline.cancel(false);
            switch (relay.onRequest(head, clientAddress)) {
                case Decision.Reply reply -> LingerHandler.replyAndClose(client, reply.response());
                case Decision.Forward f -> {
                    forward = f;
                    early = ctx.alloc().compositeBuffer();
                    // the decoder hands us what it read past the head, then steps aside
                    ctx.pipeline().remove(HeadDecoder.class);
                    Dialer.dial(gateway, client, f.candidates(), backend -> new AnswerHandler(this, backend),
                            dialing -> upstream = dialing, this::noBackend);
                }
            }
        } else if (msg instanceof ByteBuf bytes && early != null) {
            early.addComponent(true, bytes);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }
    // end::request[]

    private void noBackend(List<ConnectFailure> failures) {
        if (client.isActive()) {
            LingerHandler.replyAndClose(client, relay.connectFailed(failures));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException d && d.getCause() instanceof HeadParseException refused) {
            headDeadline.cancel(false);
            LingerHandler.replyAndClose(client, relay.malformed(refused));
        } else {
            LOG.log(System.Logger.Level.DEBUG, () -> "connection from " + clientAddress + " failed: " + cause);
            ctx.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && forward == null) {
            ctx.close(); // the client hung up in the middle of its head
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (upstream != null) {
            upstream.close(); // the handshake has no one to answer to
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (headDeadline != null) {
            headDeadline.cancel(false);
        }
        releaseEarly();
    }

    // --- for the backend's AnswerHandler, on the same event loop -----------------------------

    GatewayContext gateway() {
        return gateway;
    }

    Channel client() {
        return client;
    }

    InetSocketAddress clientAddress() {
        return clientAddress;
    }

    Decision.Forward forward() {
        return forward;
    }

    /** The bytes behind the client's head, now the caller's to write or release; null if gone. */
    ByteBuf takeEarly() {
        ByteBuf taken = early;
        early = null;
        return taken;
    }

    private void releaseEarly() {
        if (early != null) {
            early.release();
            early = null;
        }
    }
}
