package dev.anchor.netty;

import dev.anchor.core.http.HeadParseException;
import dev.anchor.core.http.ResponseHead;
import dev.anchor.core.http.ResponseHeadParser;
import dev.anchor.core.route.Backend;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;

/**
 * The backend pipeline's part of the {@link Handshake}, behind a {@link HeadReader} of its own:
 * it hands the connect, each answer head and the backend's failing to the handshake, and decides
 * nothing. The answer replaces it with a relay or with the handler that passes a refusal's body on.
 */
final class AnswerHandler extends ChannelInboundHandlerAdapter {
    private final Handshake handshake;
    private final Backend backend;
    /** Connected: from here a failure of this channel is the handshake's, before it the dialer's. Event loop only. */
    private boolean active;

    AnswerHandler(Handshake handshake, Backend backend) {
        this.handshake = handshake;
        this.backend = backend;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.pipeline().addBefore(ctx.name(), "head",
                new HeadReader<>(() -> new ResponseHeadParser(handshake.gateway().config().head())));
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        active = true;
        handshake.connected(ctx, backend);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ResponseHead head) {
            handshake.answer(ctx, head, backend);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (handshake.awaitingAnswer()) {
            ctx.read(); // a 1xx came, or part of a head: the final head is still to come
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!active) {
            return; // a connect that failed: the dialer's to handle
        }
        if (cause instanceof DecoderException d && d.getCause() instanceof HeadParseException bad) {
            handshake.refuse(ctx, handshake.gateway().handshakes().badResponse(bad));
        } else {
            handshake.refuse(ctx, handshake.gateway().handshakes().backendClosedEarly()); // reset before it answered
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && active) {
            handshake.refuse(ctx, handshake.gateway().handshakes().backendClosedEarly());
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (active) {
            handshake.refuse(ctx, handshake.gateway().handshakes().backendClosedEarly());
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (active) {
            handshake.finish(); // a channel whose connect failed is no business of the handshake's
        }
    }
}
