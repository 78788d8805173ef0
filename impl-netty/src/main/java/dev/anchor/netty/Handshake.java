package dev.anchor.netty;

import dev.anchor.core.gateway.ConnectFailure;
import dev.anchor.core.gateway.Decision;
import dev.anchor.core.gateway.HandshakePolicy;
import dev.anchor.core.gateway.Side;
import dev.anchor.core.gateway.TunnelStats;
import dev.anchor.core.handshake.Answer;
import dev.anchor.core.http.HeadParseException;
import dev.anchor.core.http.RequestHead;
import dev.anchor.core.http.ResponseHead;
import dev.anchor.core.route.Backend;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The opening handshake of one client connection. In Netty it spans two pipelines, so two
 * handlers feed it: the client's {@link HandshakeHandler} (the request head, the bytes behind it,
 * the client leaving) and the backend's {@link AnswerHandler} (connected, each answer head, the
 * backend failing). Both are thin; the state and every step live here, once. Every status it sends
 * comes from core's {@link HandshakePolicy}.
 *
 * <p>The backend channel is dialed on the client channel's event loop, so every call here runs on
 * that one thread: no field needs a lock.
 */
final class Handshake {
    private final GatewayContext gateway;
    private final HandshakePolicy handshakes;
    private final Channel client;
    private final InetSocketAddress clientAddress;
    /** The head's deadline, then the answer's. */
    private ScheduledFuture<?> deadline;
    /** The head's verdict once it said "forward"; null while the head is still arriving. */
    private Decision.Forward forward;
    /** Bytes the client sent behind its head, until they are written behind the forwarded head. */
    private CompositeByteBuf early;
    /** The backend connection being dialed or answering, if any. */
    private Channel upstream;
    /** The backend's final answer has been dealt with, or the handshake given up. */
    private boolean done;

    Handshake(GatewayContext gateway, Channel client) {
        this.gateway = gateway;
        this.handshakes = gateway.handshakes();
        this.client = client;
        this.clientAddress = (InetSocketAddress) client.remoteAddress();
    }

    // --- from the client's pipeline ----------------------------------------------------------

    /**
     * The client connected: its head has {@code timeouts.head} to arrive, and on a TLS listener
     * that includes the TLS handshake before it (SslHandler keeps no deadline of its own).
     */
    void started(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> {
            ReplyAndLinger.to(client, handshakes.headTimedOut());
        }, gateway.config().timeouts().head().toMillis(), TimeUnit.MILLISECONDS);
        ctx.read(); // the head reader asks for the next read itself while a head is incomplete
    }

    // tag::request[]
    /** The request head arrived: answer it, or dial the backends it routes to. */
    void request(ChannelHandlerContext ctx, RequestHead head) {
        deadline.cancel(false);
        switch (handshakes.onRequest(head, clientAddress)) {
            case Decision.Reply reply -> ReplyAndLinger.to(client, reply.response());
            case Decision.Forward f -> {
                forward = f;
                early = ctx.alloc().compositeBuffer();
                // the head reader hands what it read past the head to the handshake handler, then steps aside
                ctx.pipeline().remove(HeadReader.class);
                Dialer.dial(this, f.candidates());
            }
        }
    }
    // end::request[]

    /** Bytes the client sent behind its head: they wait for a 101. */
    void early(ByteBuf bytes) {
        if (early != null) {
            early.addComponent(true, bytes);
        } else {
            bytes.release();
        }
    }

    void malformed(HeadParseException refused) {
        deadline.cancel(false);
        ReplyAndLinger.to(client, handshakes.malformed(refused));
    }

    /** The client closed, or hung up in the middle of its head: the handshake has no one to answer to. */
    void clientGone() {
        done = true;
        if (upstream != null) {
            upstream.close();
        }
        releaseEarly();
    }

    // --- from the dialer ---------------------------------------------------------------------

    /** A connect to {@code channel} begins; a client that leaves meanwhile closes it. */
    void dialing(Channel channel) {
        upstream = channel;
    }

    void noBackend(List<ConnectFailure> failures) {
        if (client.isActive()) {
            ReplyAndLinger.to(client, handshakes.connectFailed(failures));
        }
    }

    // --- from the backend's pipeline ---------------------------------------------------------

    // tag::forward[]
    /** The backend accepted: forward the head (only the head) and give it {@code timeouts.handshake} to answer. */
    void connected(ChannelHandlerContext ctx, Backend backend) {
        if (!client.isActive()) {
            ctx.close();
            return;
        }
        ctx.writeAndFlush(Unpooled.wrappedBuffer(forward.head()));
        deadline = ctx.executor().schedule(() -> {
            refuse(ctx, handshakes.handshakeTimedOut(backend));
        }, gateway.config().timeouts().handshake().toMillis(), TimeUnit.MILLISECONDS);
        ctx.read();
    }

    /** The backend answered with {@code head}. */
    void answer(ChannelHandlerContext ctx, ResponseHead head, Backend backend) {
        if (done) {
            return;
        }
        switch (handshakes.onAnswer(forward, head)) {
            case Answer.Interim interim -> client.writeAndFlush(Unpooled.wrappedBuffer(interim.head()));
            case Answer.Refuse refuse -> refuse(ctx, handshakes.refused(refuse));
            case Answer.PassOn passOn -> passOn(ctx, passOn);
            case Answer.Switch switched -> openTunnel(ctx, switched, backend);
        }
    }
    // end::forward[]

    /** Whether the request head is still arriving. */
    boolean waitingForHead() {
        return forward == null && !done;
    }

    /** Whether the backend's final answer is still to come: then the backend is read on. */
    boolean awaitingAnswer() {
        return !done;
    }

    // tag::switch[]
    /** The pipelines before and after: client [head reader, handshake] and backend [head reader, answer]
     *  become client [relay] and backend [relay]; from here on bytes pass as they are. A client's
     *  TLS layer, beneath its head reader, stays beneath its relay. */
    private void openTunnel(ChannelHandlerContext ctx, Answer.Switch switched, Backend backend) {
        finish();
        Channel upstreamChannel = ctx.channel();
        TunnelStats stats = gateway.registry().tunnelOpened(clientAddress, backend);
        Tunnel tunnel = new Tunnel(client, upstreamChannel, stats, gateway);
        ByteBuf bytesBehind = early; // before the handshake handler goes, and its buffer with it
        early = null;
        client.writeAndFlush(Unpooled.wrappedBuffer(switched.head()));

        Relay fromClient = new Relay(tunnel, Side.CLIENT, upstreamChannel, stats.upstream());
        Relay fromBackend = new Relay(tunnel, Side.BACKEND, client, stats.downstream());
        ChannelPipeline clientSide = client.pipeline();
        clientSide.replace(HandshakeHandler.class, "relay", fromClient);
        ChannelPipeline backendSide = ctx.pipeline();
        backendSide.replace(AnswerHandler.class, "relay", fromBackend);
        backendSide.remove(HeadReader.class); // frames behind the 101 go to the relay, then the client

        if (gateway.stopping()) {
            tunnel.shutdown();
        }
        if (tunnel.isEnded()) { // stopping, or the frames behind the 101 already ended it
            ReferenceCountUtil.release(bytesBehind);
            return;
        }
        tunnel.start();
        if (bytesBehind != null && bytesBehind.isReadable()) {
            // only now, and through the relay like any later byte: a backend that refused never
            // sees bytes that were not part of the handshake it judged. Straight into the relay,
            // not from the pipeline's head: over TLS that is the SslHandler, and these are decrypted
            fromClient.channelRead(clientSide.context(fromClient), bytesBehind);
        } else {
            ReferenceCountUtil.release(bytesBehind);
        }
        fromClient.start();
        fromBackend.start();
    }
    // end::switch[]

    private void passOn(ChannelHandlerContext ctx, Answer.PassOn passOn) {
        finish();
        client.writeAndFlush(Unpooled.wrappedBuffer(passOn.head()));
        AnswerBodyHandler body = new AnswerBodyHandler(client, passOn.body(), gateway.config().timeouts().handshake());
        ctx.pipeline().replace(AnswerHandler.class, "body", body);
        ctx.pipeline().remove(HeadReader.class); // the body bytes read with the head go to it
        body.start();
    }

    /** Gives up on the backend and answers the client {@code response}, then lingers. */
    void refuse(ChannelHandlerContext ctx, ByteBuffer response) {
        if (done) {
            return;
        }
        finish();
        ctx.close();
        if (gateway.stopping()) {
            client.close();
        } else if (client.isActive()) {
            ReplyAndLinger.to(client, response);
        }
    }

    /** The final answer is dealt with: no more deadline, and the client's early bytes are someone else's. */
    void finish() {
        done = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    /** The handshake handler is gone (tunnel or linger): its early bytes go with it unless a tunnel took them. */
    void releaseEarly() {
        if (early != null) {
            early.release();
            early = null;
        }
    }

    GatewayContext gateway() {
        return gateway;
    }

    Channel client() {
        return client;
    }

    /** The head deadline, once the client handler is gone and the head never came. */
    void cancelDeadline() {
        if (deadline != null) {
            deadline.cancel(false);
        }
    }
}
