package dev.anchor.netty;

import dev.anchor.core.gateway.Flow;
import dev.anchor.core.gateway.Side;
import dev.anchor.core.heartbeat.TunnelLiveness;
import dev.anchor.core.websocket.FrameException;
import dev.anchor.core.websocket.FrameScanner;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One leg's half of a tunnel, the last handler of that leg's pipeline once the backend said 101:
 * every buffer read here is written to the other leg as it is, and the next read is asked for
 * only when that write has completed. So each direction holds at most one read's worth of bytes,
 * and a peer that stops reading stops the gateway reading from the other peer, whose TCP window
 * then closes: backpressure, by hand, in one listener.
 *
 * <p>In ping mode the buffer passes this leg's frame scanner first: what it lets through is
 * written as retained slices of the same buffer (no copy), the gateway's own Pongs stay behind,
 * and a Ping that is due toward the other leg goes after them if the stream stands between frames.
 */
// tag::relay[]
final class RelayHandler extends ChannelInboundHandlerAdapter {
    private final Tunnel tunnel;
    /** The leg this handler reads from. */
    private final Side side;
    /** The other leg, where the bytes read here go. */
    private final Channel peer;
    /** The accounting of the bytes read here on their way to {@link #peer}. */
    private final Flow flow;
    /** A write to the peer has not completed yet. Event loop only. */
    private boolean writing;
    private ChannelHandlerContext ctx;

    RelayHandler(Tunnel tunnel, Side side, Channel peer, Flow flow) {
        this.tunnel = tunnel;
        this.side = side;
        this.peer = peer;
        this.flow = flow;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf bytes = (ByteBuf) msg;
        int n = bytes.readableBytes();
        flow.received(n);
        tunnel.touch();
        TunnelLiveness liveness = tunnel.liveness();
        if (liveness == null) {
            relay(bytes, n);
        } else {
            scanAndRelay(liveness, bytes, n);
        }
    }

    private void relay(Object out, int n) {
        writing = true;
        tunnel.writing(side.other());
        peer.writeAndFlush(out).addListener((ChannelFutureListener) written -> {
            writing = false;
            tunnel.written(side.other());
            if (written.isSuccess()) {
                flow.sent(n);
                ctx.read();
            } else {
                flow.dropped(n);
                tunnel.failed(peer, written.cause());
            }
        });
    }
    // end::relay[]

    // tag::scan[]
    private void scanAndRelay(TunnelLiveness liveness, ByteBuf bytes, int n) {
        liveness.heard(side);
        Slices slices = new Slices(bytes);
        try {
            liveness.scannerFrom(side).scan(slices.view, slices);
        } catch (FrameException e) {
            slices.release();
            bytes.release();
            flow.dropped(n);
            tunnel.protocolError(side, e);
            return;
        }
        bytes.release(); // the slices hold their own references
        flow.dropped(n - slices.passed); // taken out: the gateway's own Pongs
        ByteBuffer ping = liveness.pingIfDue(side.other());
        if (ping != null) {
            slices.parts.add(Unpooled.wrappedBuffer(ping));
        }
        if (slices.parts.isEmpty()) {
            ctx.read(); // it was all the gateway's own: nothing to wait for
            return;
        }
        relay(slices.parts.size() == 1 ? slices.parts.get(0)
                : Unpooled.wrappedBuffer(slices.parts.size(), slices.parts.toArray(ByteBuf[]::new)), slices.passed);
    }

    /** What the scanner lets through, as retained slices of the buffer that was read. */
    private static final class Slices implements FrameScanner.Output {
        private final ByteBuf bytes;
        private final ByteBuffer view;
        private final List<ByteBuf> parts = new ArrayList<>(2);
        private int passed;

        Slices(ByteBuf bytes) {
            this.bytes = bytes;
            this.view = bytes.nioBuffer(bytes.readerIndex(), bytes.readableBytes());
        }

        @Override
        public void pass(int from, int to) {
            parts.add(bytes.retainedSlice(bytes.readerIndex() + from - view.position(), to - from));
            passed += to - from;
        }

        @Override
        public void passHeld(byte[] held, int length) {
            parts.add(Unpooled.copiedBuffer(held, 0, length));
            passed += length;
        }

        void release() {
            parts.forEach(ReferenceCountUtil::release);
            parts.clear();
        }
    }
    // end::scan[]

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
        tunnel.failed(ctx.channel(), cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        tunnel.failed(ctx.channel(), null); // a no-op if the tunnel closed it
    }
    // end::relay-events[]
}
