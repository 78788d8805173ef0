package dev.anchor.netty;

import dev.anchor.core.gateway.Decision;
import dev.anchor.core.gateway.Side;
import dev.anchor.core.gateway.HandshakeRelay;
import dev.anchor.core.gateway.TunnelStats;
import dev.anchor.core.handshake.Answer;
import dev.anchor.core.http.HeadParseException;
import dev.anchor.core.http.ResponseHead;
import dev.anchor.core.http.ResponseHeadParser;
import dev.anchor.core.route.Backend;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The backend's side of the opening handshake: once connected, forwards the request head (the bytes
 * the client sent behind it wait for a 101), keeps the deadline for the backend's answer, and does what core
 * says with each response head: pass a 1xx on and wait for the next, relay a refusal with its body,
 * refuse a bad answer itself, or, on a valid 101, rebuild both pipelines into a tunnel.
 */
final class AnswerHandler extends ChannelInboundHandlerAdapter {
    private final HandshakeHandler handshake;
    private final Backend backend;
    private final GatewayContext gateway;
    private final HandshakeRelay relay;
    private final Channel client;
    private final Decision.Forward forward;
    // event loop only
    private ScheduledFuture<?> deadline;
    /** The final answer has been dealt with; anything after it is not this handler's business. */
    private boolean answered;

    AnswerHandler(HandshakeHandler handshake, Backend backend) {
        this.handshake = handshake;
        this.backend = backend;
        this.gateway = handshake.gateway();
        this.relay = gateway.relay();
        this.client = handshake.client();
        this.forward = handshake.forward();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        ctx.pipeline().addBefore(ctx.name(), "head",
                new HeadDecoder<>(() -> new ResponseHeadParser(gateway.config().head())));
    }

    // tag::forward[]
    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (!client.isActive()) {
            ctx.close();
            return;
        }
        // only the head: what the client sent behind it waits for the backend's 101
        ctx.writeAndFlush(Unpooled.wrappedBuffer(forward.head()));
        deadline = ctx.executor().schedule(() -> {
            refuse(ctx, relay.handshakeTimedOut());
        }, gateway.config().timeouts().handshake().toMillis(), TimeUnit.MILLISECONDS);
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ResponseHead head) || answered) {
            ReferenceCountUtil.release(msg);
            return;
        }
        switch (relay.onAnswer(forward, head)) {
            case Answer.Interim interim -> client.writeAndFlush(wrap(interim.head()));
            case Answer.Refuse refuse -> refuse(ctx, relay.refused(refuse));
            case Answer.Relay relayed -> relayBody(ctx, relayed);
            case Answer.Switch switched -> openTunnel(ctx, switched);
        }
    }
    // end::forward[]

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (!answered) {
            ctx.read(); // a 1xx came, or part of a head: the final head is still to come
        }
    }

    // tag::switch[]
    /** The pipelines before and after: client [head decoder, handshake] and backend [head decoder, answer]
     *  become client [relay] and backend [relay]; from here on bytes pass as they are. */
    private void openTunnel(ChannelHandlerContext ctx, Answer.Switch switched) {
        finish();
        Channel upstream = ctx.channel();
        TunnelStats stats = gateway.registry().tunnelOpened(handshake.clientAddress(), backend);
        Tunnel tunnel = new Tunnel(client, upstream, stats, gateway);
        ByteBuf early = handshake.takeEarly(); // before the handshake handler goes, and its buffer with it
        client.writeAndFlush(wrap(switched.head()));

        RelayHandler fromClient = new RelayHandler(tunnel, Side.CLIENT, upstream, stats.upstream());
        RelayHandler fromBackend = new RelayHandler(tunnel, Side.BACKEND, client, stats.downstream());
        ChannelPipeline clientSide = client.pipeline();
        clientSide.replace(HandshakeHandler.class, "relay", fromClient);
        ChannelPipeline backendSide = ctx.pipeline();
        backendSide.replace(this, "relay", fromBackend);
        backendSide.remove(HeadDecoder.class); // frames behind the 101 go to the relay, then the client

        if (gateway.stopping()) {
            tunnel.shutdown();
        }
        if (tunnel.isEnded()) { // stopping, or the frames behind the 101 already ended it
            ReferenceCountUtil.release(early);
            return;
        }
        tunnel.start();
        if (early != null && early.isReadable()) {
            // only now, and through the relay like any later byte: a backend that refused never
            // sees bytes that were not part of the handshake it judged
            client.pipeline().fireChannelRead(early);
        } else {
            ReferenceCountUtil.release(early);
        }
        fromClient.start();
        fromBackend.start();
    }
    // end::switch[]

    private void relayBody(ChannelHandlerContext ctx, Answer.Relay relayed) {
        finish();
        client.writeAndFlush(wrap(relayed.head()));
        BodyRelayHandler body = new BodyRelayHandler(client, relayed.body(), gateway.config().timeouts().handshake());
        ctx.pipeline().replace(this, "body", body);
        ctx.pipeline().remove(HeadDecoder.class); // the body bytes read with the head go to it
        body.start();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException d && d.getCause() instanceof HeadParseException bad) {
            refuse(ctx, relay.badResponse(bad));
        } else {
            refuse(ctx, relay.backendClosedEarly()); // reset before it answered
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            refuse(ctx, relay.backendClosedEarly());
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (deadline != null && !answered) {
            refuse(ctx, relay.backendClosedEarly());
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        finish();
    }

    /** Gives up on the backend and answers the client {@code response}, then lingers. */
    private void refuse(ChannelHandlerContext ctx, ByteBuffer response) {
        if (answered) {
            return;
        }
        finish();
        ctx.close();
        if (gateway.stopping()) {
            client.close();
        } else if (client.isActive()) {
            LingerHandler.replyAndClose(client, response);
        }
    }

    private void finish() {
        answered = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    private static ByteBuf wrap(ByteBuffer head) {
        return Unpooled.wrappedBuffer(head);
    }
}
