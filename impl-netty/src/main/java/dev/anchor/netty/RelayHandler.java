package dev.anchor.netty;

import dev.anchor.core.gateway.Flow;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;

/**
 * One leg's half of a tunnel, the last handler of that leg's pipeline once the backend said 101:
 * every buffer read here is written to the other leg as it is, and the next read is asked for
 * only when that write has completed. So each direction holds at most one read's worth of bytes,
 * and a peer that stops reading stops the gateway reading from the other peer, whose TCP window
 * then closes: backpressure, by hand, in one listener.
 */
// tag::relay[]
final class RelayHandler extends ChannelInboundHandlerAdapter {
    private final Tunnel tunnel;
    /** The other leg, where the bytes read here go. */
    private final Channel peer;
    /** The accounting of the bytes read here on their way to {@link #peer}. */
    private final Flow flow;
    /** A write to the peer has not completed yet. Event loop only. */
    private boolean writing;
    private ChannelHandlerContext ctx;

    RelayHandler(Tunnel tunnel, Channel peer, Flow flow) {
        this.tunnel = tunnel;
        this.peer = peer;
        this.flow = flow;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf bytes = (ByteBuf) msg;
        int n = bytes.readableBytes();
        flow.received(n);
        tunnel.touch();
        writing = true;
        peer.writeAndFlush(bytes).addListener((ChannelFutureListener) written -> {
            writing = false;
            if (written.isSuccess()) {
                flow.sent(n);
                ctx.read();
            } else {
                flow.dropped(n);
                tunnel.failed(peer);
            }
        });
    }
    // end::relay[]

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** Starts this direction: asks for the first read, unless bytes from before the 101 are still being written. */
    void start() {
        if (((DuplexChannel) ctx.channel()).isInputShutdown()) {
            tunnel.finished(ctx.channel()); // the FIN came with the handshake, before this handler
        } else if (!writing) {
            ctx.read();
        }
    }

    // tag::relay-events[]
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            tunnel.finished(ctx.channel());
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        tunnel.failed(ctx.channel());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        tunnel.failed(ctx.channel()); // a no-op if the tunnel closed it
    }
    // end::relay-events[]
}
