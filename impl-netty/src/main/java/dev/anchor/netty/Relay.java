package dev.anchor.netty;

import dev.anchor.core.gateway.Flow;
import dev.anchor.core.gateway.Side;
import dev.anchor.core.gateway.TunnelEnding;
import dev.anchor.core.heartbeat.TunnelLiveness;
import dev.anchor.core.websocket.FrameException;
import dev.anchor.core.websocket.FrameScanner;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
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
 *
 * <p>A read buffer goes back to Netty's pool only when its count of references reaches zero: each
 * slice in a write holds one, and the channel releases it when the write completes or fails, which
 * a close does to every write still queued. So a tunnel that ends while slices wait toward a slow
 * peer cannot lend their bytes to another tunnel; the leak detector, paranoid in the tests, would
 * report a slice released too often or not at all.
 */
// tag::relay[]
final class Relay extends ChannelInboundHandlerAdapter {
    private final Tunnel tunnel;
    /** The leg this handler reads from. */
    private final Side side;
    /** The other leg, where the bytes read here go. */
    private final Channel peer;
    /** The accounting of the bytes read here on their way to {@link #peer}. */
    private final Flow flow;
    /** A write to the peer has not completed yet. Event loop only. */
    private boolean writing;
    /** The next read has been asked for since the last one; {@link RelayReads} may then read on at once. */
    private boolean readAsked;
    /**
     * Buffers read while a write was still in flight, in order. Two things do that: epoll, once the
     * peer's FIN has come (it reads on to the end of the stream whether asked or not), and TLS, where
     * one read can hold several records, each passed up decrypted as a buffer of its own. They go out
     * one write at a time, as any other read, and the FIN waits behind them.
     */
    private final ArrayDeque<ByteBuf> waiting = new ArrayDeque<>();
    private boolean finWaiting;
    private ChannelHandlerContext ctx;

    Relay(Tunnel tunnel, Side side, Channel peer, Flow flow) {
        this.tunnel = tunnel;
        this.side = side;
        this.peer = peer;
        this.flow = flow;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf bytes = (ByteBuf) msg;
        readAsked = false;
        if (tunnel.isEnded()) {
            bytes.release(); // the tunnel is saying goodbye: nothing more goes through
            return;
        }
        flow.received(bytes.readableBytes());
        tunnel.touch();
        if (writing) {
            waiting.add(bytes);
            return;
        }
        pass(bytes);
    }

    private void pass(ByteBuf bytes) {
        int n = bytes.readableBytes();
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
        tunnel.holding(side); // no read until this write completes: this leg's silence meanwhile is ours
        ChannelProgressivePromise delivery = peer.newProgressivePromise();
        delivery.addListener(new Delivery(n));
        peer.writeAndFlush(out, delivery);
    }

    /** Follows one write to the peer: any progress keeps it from counting as stalled; completion reads on. */
    private final class Delivery implements ChannelProgressiveFutureListener {
        private final int n;

        Delivery(int n) {
            this.n = n;
        }

        @Override
        public void operationProgressed(ChannelProgressiveFuture future, long progress, long total) {
            tunnel.progressed(side.other()); // the peer took part of it: slow, not stalled
        }

        @Override
        public void operationComplete(ChannelProgressiveFuture written) {
            writing = false;
            tunnel.written(side.other());
            tunnel.released(side);
            if (written.isSuccess()) {
                flow.sent(n);
                onward();
            } else {
                flow.dropped(n);
                dropWaiting();
                tunnel.failed(peer, written.cause());
            }
        }
    }
    // end::relay[]

    // tag::scan[]
    private void scanAndRelay(TunnelLiveness liveness, ByteBuf bytes, int n) {
        liveness.heard(side);
        Slices slices = new Slices(bytes, ctx.alloc());
        FrameException refused = null;
        try {
            liveness.scannerFrom(side).scan(slices.view, slices);
        } catch (FrameException e) {
            refused = e; // what came before the forbidden frame still goes on, ahead of the Close
        } catch (RuntimeException e) {
            slices.release();
            throw e;
        } finally {
            bytes.release(); // the slices hold their own references
        }
        flow.dropped(n - slices.passed); // taken out: the gateway's own Pongs, or a forbidden frame and what followed
        // the stream may just have reached a boundary: a goodbye the gateway owes (a drain) goes
        // first, after these bytes; otherwise a due Ping goes with them
        TunnelEnding.Plan leave = refused == null ? tunnel.departureIfDue() : null;
        ByteBuffer ping = refused == null && leave == null ? liveness.pingIfDue(side.other()) : null;
        if (ping != null) {
            slices.parts.add(ctx.alloc().directBuffer(ping.remaining()).writeBytes(ping));
        }
        if (!slices.parts.isEmpty()) {
            relay(slices.parts.size() == 1 ? slices.parts.get(0)
                    : Unpooled.wrappedBuffer(slices.parts.size(), slices.parts.toArray(ByteBuf[]::new)), slices.passed);
        } else if (refused == null) {
            onward(); // it was all the gateway's own: nothing to wait for
        }
        if (refused != null) {
            tunnel.protocolError(side, refused);
        }
        if (leave != null) {
            tunnel.depart(leave);
        }
    }

    /**
     * What the scanner lets through, as retained slices of the buffer that was read. The few bytes
     * the gateway adds (a held-back header, a Ping) go in direct buffers too, so the transport
     * writes the parts as they are rather than copying the lot into one direct buffer.
     */
    private static final class Slices implements FrameScanner.Output {
        private final ByteBuf bytes;
        private final ByteBufAllocator alloc;
        private final ByteBuffer view;
        private final List<ByteBuf> parts = new ArrayList<>(2);
        private int passed;

        Slices(ByteBuf bytes, ByteBufAllocator alloc) {
            this.bytes = bytes;
            this.alloc = alloc;
            this.view = bytes.nioBuffer(bytes.readerIndex(), bytes.readableBytes());
        }

        @Override
        public void pass(int from, int to) {
            parts.add(bytes.retainedSlice(bytes.readerIndex() + from - view.position(), to - from));
            passed += to - from;
        }

        @Override
        public void passHeld(byte[] held, int length) {
            parts.add(alloc.directBuffer(length).writeBytes(held, 0, length));
            passed += length;
        }

        void release() {
            parts.forEach(ReferenceCountUtil::release);
            parts.clear();
        }
    }
    // end::scan[]

    // tag::onward[]
    /** Nothing of this leg's is in flight: the next buffer that waits, else the FIN that waits, else a read. */
    private void onward() {
        if (tunnel.isEnded()) {
            dropWaiting();
        } else if (!waiting.isEmpty()) {
            pass(waiting.poll());
        } else if (finWaiting) {
            finWaiting = false;
            tunnel.finished(ctx.channel());
        } else {
            readNext();
        }
    }
    // end::onward[]

    private void readNext() {
        readAsked = true;
        ctx.read();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        if (ctx.channel().config().getRecvByteBufAllocator() instanceof RelayReads reads) {
            reads.readAgainWhile(() -> readAsked);
        }
    }

    /** Starts this direction: asks for the first read, unless bytes from before the 101 are still being written. */
    void start() {
        if (Leg.inputEnded(ctx.channel())) {
            tunnel.finished(ctx.channel()); // the FIN (or close_notify) came with the handshake, before this handler
        } else if (!writing) {
            readNext();
        }
    }

    // tag::relay-events[]
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            if (waiting.isEmpty()) {
                tunnel.finished(ctx.channel()); // a write in flight is already ahead of the FIN
            } else {
                finWaiting = true;
            }
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        tunnel.failed(ctx.channel(), cause);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        dropWaiting();
        tunnel.failed(ctx.channel(), null); // a no-op if the tunnel closed it
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        dropWaiting(); // the tunnel ended and the leg lingers: what was read behind its FIN is not for anyone
    }

    private void dropWaiting() {
        for (ByteBuf b = waiting.poll(); b != null; b = waiting.poll()) {
            flow.dropped(b.readableBytes());
            b.release();
        }
    }
    // end::relay-events[]
}
