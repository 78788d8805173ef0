package dev.anchor.netty;

import dev.anchor.core.http.HeadParseException;
import dev.anchor.core.http.RequestHead;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;

/**
 * The client pipeline's part of the {@link Handshake}, behind the {@link HeadReader}: it hands the
 * request head, the bytes behind it and the client's leaving to the handshake, and decides nothing.
 * The answer replaces it with a relay or a lingering close.
 */
final class HandshakeHandler extends ChannelInboundHandlerAdapter {
    private static final System.Logger LOG = System.getLogger(HandshakeHandler.class.getName());

    private final GatewayContext gateway;
    /** Made once the channel is active. Event loop only. */
    private Handshake handshake;

    HandshakeHandler(GatewayContext gateway) {
        this.gateway = gateway;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        handshake = new Handshake(gateway, ctx.channel());
        handshake.started(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof RequestHead head) {
            handshake.request(ctx, head);
        } else if (msg instanceof ByteBuf bytes) {
            handshake.early(bytes);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException d && d.getCause() instanceof HeadParseException refused) {
            handshake.malformed(refused);
        } else {
            LOG.log(System.Logger.Level.DEBUG, () -> "connection from " + ctx.channel().remoteAddress() + " failed: " + cause);
            ctx.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && handshake.waitingForHead()) {
            ctx.close(); // the client hung up in the middle of its head
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (handshake != null) {
            handshake.clientGone();
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (handshake != null) {
            handshake.cancelDeadline();
            handshake.releaseEarly();
        }
    }
}
