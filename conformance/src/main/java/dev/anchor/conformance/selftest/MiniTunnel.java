package dev.anchor.conformance.selftest;

import dev.anchor.core.config.HeartbeatConfig;
import dev.anchor.core.gateway.CloseReason;
import dev.anchor.core.gateway.ConnectionRegistry;
import dev.anchor.core.gateway.Flow;
import dev.anchor.core.gateway.Linger;
import dev.anchor.core.gateway.Side;
import dev.anchor.core.gateway.TunnelControl;
import dev.anchor.core.gateway.TunnelEnding;
import dev.anchor.core.gateway.TunnelStats;
import dev.anchor.core.heartbeat.Heartbeat;
import dev.anchor.core.heartbeat.TunnelLiveness;
import dev.anchor.core.heartbeat.TunnelWatch;
import dev.anchor.core.websocket.FrameException;
import dev.anchor.core.websocket.FrameScanner;
import dev.anchor.core.websocket.FrameWriter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A tunnel of the mini gateway: a platform thread per direction, writes under the destination's
 * lock, core's liveness and ending under one more lock, and a look every 10 ms from the gateway's
 * timer. Each planted bug is one small departure, marked where it happens.
 */
final class MiniTunnel {
    private final MiniGateway gateway;
    private final Bug bug;
    private final MiniLeg client;
    private final MiniLeg backend;
    private final TunnelStats stats;
    private final ConnectionRegistry registry;
    private final TunnelLiveness liveness;
    private final TunnelWatch watch;
    private final TunnelEnding ending;
    private final HeartbeatConfig heartbeat;
    private final ReentrantLock control = new ReentrantLock();
    private final AtomicInteger directionsOpen = new AtomicInteger(2);
    /** The buffer each direction reads into now, by {@link Side#ordinal()}. */
    private final byte[][] reading = new byte[2][];
    private final boolean[] inputEnded = new boolean[2];
    private final AtomicBoolean[] injecting = {new AtomicBoolean(), new AtomicBoolean()};
    private volatile long lastActivity = System.nanoTime();
    private volatile ScheduledFuture<?> tick;
    /** Bugs' own state: raw Pings, and a heartbeat kept for a client that half-closed. */
    private volatile long rawPingAt;
    private volatile Heartbeat afterFin;
    private FrameScanner[] endpointPingFilters;

    MiniTunnel(MiniGateway gateway, MiniLeg client, MiniLeg backend, TunnelStats stats) {
        this.gateway = gateway;
        this.bug = gateway.bug;
        this.client = client;
        this.backend = backend;
        this.stats = stats;
        this.registry = gateway.runtime().connections();
        this.heartbeat = gateway.runtime().config().heartbeat();
        TunnelControl parts = TunnelControl.of(gateway.runtime(), System::nanoTime);
        this.liveness = parts.liveness();
        this.watch = parts.watch();
        this.ending = parts.ending();
    }

    /** Passes on what each side sent before the switch, then runs both directions; returns when the client's ends. */
    /** Makes the tunnel known to the gateway and its lifecycle; before its 101 goes out. */
    void register() {
        gateway.opened(this);
        stats.departWith(this::goAway, liveness != null);
    }

    void start(ByteBuffer fromBackend, ByteBuffer fromClient) throws IOException {
        tick = gateway.timer.scheduleWithFixedDelay(this::tick, 10, 10, TimeUnit.MILLISECONDS);
        if (bug == Bug.DROPS_TAIL) {
            client.writeThrough(new BufferedOutputStream(client.rawOut(), 256 * 1024));
        }
        if (fromBackend.hasRemaining()) {
            byte[] b = bytes(fromBackend);
            forward(Side.BACKEND, b, b.length, stats.downstream());
        }
        if (fromClient.hasRemaining()) {
            byte[] b = bytes(fromClient);
            forward(Side.CLIENT, b, b.length, stats.upstream());
        }
        Runnable down = bug == Bug.UNBOUNDED_BUFFER ? this::pumpWithoutBound : () -> pump(Side.BACKEND);
        gateway.start("mini-down", down);
        pump(Side.CLIENT);
    }

    private void pump(Side side) {
        MiniLeg from = leg(side);
        Flow flow = side == Side.CLIENT ? stats.upstream() : stats.downstream();
        while (true) {
            byte[] buffer = gateway.buffers.take();
            reading[side.ordinal()] = buffer;
            int n;
            try {
                n = from.read(buffer, 0, buffer.length);
            } catch (IOException e) {
                giveBack(side, buffer);
                failed(side, e);
                return;
            }
            if (n < 0) {
                giveBack(side, buffer);
                finished(side);
                return;
            }
            boolean more = forward(side, buffer, n, flow);
            giveBack(side, buffer); // the write from it has completed
            if (!more) {
                return;
            }
        }
    }

    private void giveBack(Side side, byte[] buffer) {
        reading[side.ordinal()] = null;
        gateway.buffers.give(buffer);
    }

    /** Bug UNBOUNDED_BUFFER: the backend is read into a queue as fast as it sends, whatever the client takes. */
    private void pumpWithoutBound() {
        LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
        Flow flow = stats.downstream();
        gateway.start("mini-drain", () -> {
            try {
                while (true) {
                    byte[] chunk = queue.take();
                    if (chunk.length == 0) {
                        finished(Side.BACKEND);
                        return;
                    }
                    client.write(chunk, 0, chunk.length);
                    flow.sent(chunk.length);
                }
            } catch (IOException e) {
                failed(Side.CLIENT, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        byte[] buffer = new byte[64 * 1024];
        try {
            for (int n = backend.read(buffer, 0, buffer.length); n >= 0; n = backend.read(buffer, 0, buffer.length)) {
                flow.received(n);
                queue.add(Arrays.copyOf(buffer, n));
            }
            queue.add(new byte[0]);
        } catch (IOException e) {
            failed(Side.BACKEND, e);
        }
    }

    /** Passes {@code n} bytes from {@code side} on; false once that side should be read no more. */
    private boolean forward(Side side, byte[] buffer, int n, Flow flow) {
        Side toward = side.other();
        MiniLeg to = leg(toward);
        if (side == Side.CLIENT || bug != Bug.IDLE_ON_ONE_WAY) {
            lastActivity = System.nanoTime();
        }
        flow.received(n);
        to.writeLock.lock();
        try {
            if (ending.ended()) {
                flow.dropped(n);
                return leg(side).lingerUntil != 0;
            }
            if (liveness == null) {
                if (bug == Bug.SWALLOWS_ENDPOINT_PINGS) {
                    Pieces pieces = new Pieces();
                    endpointPingFilter(side).scan(ByteBuffer.wrap(buffer, 0, n), pieces);
                    pieces.writeTo(to, buffer);
                    flow.dropped(n - pieces.passed);
                    flow.sent(pieces.passed);
                } else {
                    to.write(buffer, 0, n);
                    flow.sent(n);
                }
                return true;
            }
            Pieces pieces = new Pieces();
            FrameException refused = null;
            control.lock();
            try {
                liveness.heard(side);
                if (bug != Bug.DEAD_WHILE_HELD) {
                    liveness.holding(side);
                }
                liveness.scannerFrom(side).scan(ByteBuffer.wrap(buffer, 0, n), pieces);
            } catch (FrameException e) {
                refused = e;
            } finally {
                control.unlock();
            }
            if (bug == Bug.FORWARDS_OWN_PONG && refused == null) {
                to.write(buffer, 0, n); // the scanner took the gateway's Pongs out: write them anyway
                flow.sent(n);
            } else {
                pieces.writeTo(to, buffer);
                flow.dropped(n - pieces.passed);
                flow.sent(pieces.passed);
            }
            if (refused != null) {
                FrameException why = refused;
                end(locked(() -> ending.protocolError(side, why)));
                return true;
            }
            TunnelEnding.Plan leave = locked(ending::departureIfDue);
            if (leave != null) {
                end(leave);
                return true;
            }
            ByteBuffer ping = locked(() -> {
                if (bug != Bug.DEAD_WHILE_HELD) {
                    liveness.released(side);
                }
                return liveness.pingIfDue(toward);
            });
            if (ping != null) {
                to.write(ping);
            }
            return true;
        } catch (IOException | FrameException e) {
            failed(toward, e instanceof IOException io ? io : new IOException(e));
            return false;
        } finally {
            to.writeLock.unlock();
        }
    }

    /** The stream from {@code side} ended with FIN: a half-close of the other leg, perhaps after a Close. */
    private void finished(Side side) {
        inputEnded[side.ordinal()] = true;
        MiniLeg to = leg(side.other());
        if (bug == Bug.CLOSES_BOTH_ON_FIN || bug == Bug.DROPS_TAIL && side == Side.BACKEND) {
            end(locked(ending::completed)); // and what a buffered stream held is gone with it
            return;
        }
        to.writeLock.lock();
        try {
            TunnelEnding.LegEnd fin = locked(() -> ending.streamEnded(side));
            if (fin == null) {
                if (leg(side).lingerUntil != 0) {
                    leg(side).close();
                }
                return;
            }
            if (bug == Bug.PINGS_HALF_CLOSED && side == Side.CLIENT && liveness != null) {
                afterFin = new Heartbeat(heartbeat.client().interval(), heartbeat.client().timeout(), System.nanoTime());
            }
            ByteBuffer close = bug == Bug.VANISHED_IS_COMPLETED ? null : fin.close();
            if (close != null) {
                to.write(close);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            failed(side.other(), e);
            return;
        } finally {
            to.writeLock.unlock();
        }
        if (directionsOpen.decrementAndGet() == 0) {
            end(locked(ending::completed));
        }
    }

    private void failed(Side side, IOException e) {
        TunnelEnding.Plan plan = locked(() -> ending.failed(side, e));
        if (plan == null) {
            leg(side).close();
        }
        end(plan);
    }

    void shutdown() {
        TunnelEnding.Plan plan = locked(ending::shutdown);
        if (plan == null) {
            client.close();
            backend.close();
        }
        end(plan);
    }

    private void end(TunnelEnding.Plan plan) {
        if (plan == null) {
            return;
        }
        CloseReason reason = plan.reason();
        if ((bug == Bug.ALWAYS_COMPLETED || bug == Bug.VANISHED_IS_COMPLETED)
                && (reason == CloseReason.CLIENT_ENDED || reason == CloseReason.BACKEND_ENDED)) {
            reason = CloseReason.COMPLETED;
        }
        registry.tunnelClosed(stats, reason, plan.dead());
        if (bug == Bug.SHARES_BUFFERS) {
            gateway.buffers.give(reading[0]); // while a write from them may still be under way
            gateway.buffers.give(reading[1]);
        }
        for (Side side : Side.values()) {
            TunnelEnding.LegEnd end = plan.leg(side);
            TunnelEnding.Action action = end.action();
            if (action == TunnelEnding.Action.ABORT
                    && (bug == Bug.FIN_FOR_RST && reason == CloseReason.CLIENT_RESET
                    || bug == Bug.FIN_FOR_BACKEND_RST && reason == CloseReason.BACKEND_RESET)) {
                action = TunnelEnding.Action.CLOSE;
            }
            switch (action) {
                case ABORT -> leg(side).abort();
                case CLOSE -> leg(side).close();
                case FINISH, HALF_CLOSE -> finish(side, bug == Bug.NO_CLOSE_ON_DEATH && plan.dead() != null ? null : end.close());
            }
        }
    }

    /** Close frame (if any) and FIN behind what is being written; the leg closes when its peer does, or at the deadline. */
    private void finish(Side side, ByteBuffer close) {
        MiniLeg leg = leg(side);
        leg.lingerUntil = System.nanoTime() + Linger.TIME.toNanos();
        gateway.start("mini-goodbye", () -> {
            try {
                if (leg.writeLock.tryLock(Linger.TIME.toMillis(), TimeUnit.MILLISECONDS)) {
                    try {
                        if (close != null) {
                            leg.write(close);
                        }
                        leg.shutdownOutput();
                    } finally {
                        leg.writeLock.unlock();
                    }
                }
            } catch (IOException | InterruptedException e) {
                leg.close();
            }
            if (inputEnded[side.ordinal()]) {
                leg.close();
            }
        });
    }

    /** The lifecycle asks the tunnel to go, from its own thread. */
    private void goAway(CloseReason reason) {
        if (bug == Bug.DRAIN_BARE_FIN && reason == CloseReason.DRAINED) {
            // as a gateway that does not follow frames would: FIN both ways, no Close
            TunnelEnding.Plan stop = locked(ending::shutdown);
            if (stop != null) {
                end(new TunnelEnding.Plan(reason, null, new TunnelEnding.LegEnd(TunnelEnding.Action.FINISH, null),
                        new TunnelEnding.LegEnd(TunnelEnding.Action.FINISH, null)));
            }
            return;
        }
        if (bug == Bug.CLOSE_MID_FRAME && reason == CloseReason.DRAINED) {
            // the Close goes behind whatever is being written, frame boundary or not
            TunnelEnding.Plan stop = locked(ending::shutdown);
            if (stop != null) {
                end(new TunnelEnding.Plan(reason, null,
                        new TunnelEnding.LegEnd(TunnelEnding.Action.FINISH, FrameWriter.close(1001, reason.goingAway(), false)),
                        new TunnelEnding.LegEnd(TunnelEnding.Action.FINISH, FrameWriter.close(1001, reason.goingAway(), true))));
            }
            return;
        }
        end(locked(() -> ending.goAway(reason)));
    }

    private void tick() {
        long now = System.nanoTime();
        if (ending.ended()) {
            for (MiniLeg leg : List.of(client, backend)) {
                if (leg.lingerUntil != 0 && now - leg.lingerUntil >= 0) {
                    leg.close();
                }
            }
            if (client.isClosed() && backend.isClosed()) {
                tick.cancel(false);
                gateway.ended(this);
            }
            return;
        }
        TunnelWatch.Stalls stalls = bug == Bug.NO_WRITE_TIMEOUT ? (s, t) -> 0 : (s, t) -> leg(s).stalledFor(t);
        long activity = bug == Bug.NO_IDLE_TIMEOUT ? now : lastActivity;
        TunnelEnding.Plan plan = locked(() -> watch.endIfDue(now, activity, stalls));
        if (plan != null) {
            end(plan);
            return;
        }
        if (liveness == null || bug == Bug.NEVER_PINGS) {
            return;
        }
        if (bug == Bug.PINGS_HALF_CLOSED && afterFin != null) {
            switch (afterFin.check(now)) {
                case PING -> {
                    afterFin.pingSent(now);
                    inject(Side.CLIENT, true);
                }
                case DEAD -> end(locked(() -> ending.died(Side.CLIENT, CloseReason.HEARTBEAT)));
                case QUIET -> { }
            }
            return;
        }
        if (bug == Bug.PINGS_AFTER_CLOSE && now - rawPingAt > heartbeat.client().interval().toNanos()
                && locked(() -> liveness.closeSeenFrom(Side.CLIENT) || liveness.closeSeenFrom(Side.BACKEND))) {
            rawPingAt = now;
            inject(Side.CLIENT, true);
        }
        for (Side side : Side.values()) {
            if (locked(() -> liveness.pingWaiting(side))) {
                inject(side, false);
            }
        }
    }

    /** Writes a Ping toward {@code side} from a thread of its own; {@code raw}: a bug's, made without asking. */
    private void inject(Side side, boolean raw) {
        if (!injecting[side.ordinal()].compareAndSet(false, true)) {
            return;
        }
        gateway.start("mini-ping", () -> {
            MiniLeg leg = leg(side);
            leg.writeLock.lock();
            try {
                ByteBuffer ping = raw ? null : locked(() -> ending.ended() ? null : liveness.pingIfDue(side));
                if (ping == null && (raw || bug == Bug.PINGS_MID_FRAME && locked(() -> liveness.pingWaiting(side)))) {
                    ping = FrameWriter.ping("mini".getBytes(StandardCharsets.US_ASCII), side == Side.BACKEND);
                }
                if (ping != null) {
                    leg.write(ping);
                }
            } catch (IOException e) {
                failed(side, e);
            } finally {
                leg.writeLock.unlock();
                injecting[side.ordinal()].set(false);
            }
        });
    }

    private FrameScanner endpointPingFilter(Side side) {
        if (endpointPingFilters == null) {
            endpointPingFilters = new FrameScanner[] {
                new FrameScanner(true, (opcode, payload) -> opcode == 0x9 || opcode == 0xA),
                new FrameScanner(false, (opcode, payload) -> opcode == 0x9 || opcode == 0xA)};
        }
        return endpointPingFilters[side.ordinal()];
    }

    private MiniLeg leg(Side side) {
        return side == Side.CLIENT ? client : backend;
    }

    private <T> T locked(Supplier<T> work) {
        control.lock();
        try {
            return work.get();
        } finally {
            control.unlock();
        }
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    /** What one read passes on: ranges of the buffer, and control frames the scanner held from earlier reads. */
    private static final class Pieces implements FrameScanner.Output {
        private final List<Object> parts = new ArrayList<>(2);
        private int passed;

        @Override
        public void pass(int from, int to) {
            parts.add(new int[] {from, to});
            passed += to - from;
        }

        @Override
        public void passHeld(byte[] bytes, int length) {
            parts.add(Arrays.copyOf(bytes, length));
            passed += length;
        }

        void writeTo(MiniLeg to, byte[] buffer) throws IOException {
            for (Object p : parts) {
                if (p instanceof int[] r) {
                    to.write(buffer, r[0], r[1] - r[0]);
                } else {
                    byte[] held = (byte[]) p;
                    to.write(held, 0, held.length);
                }
            }
        }
    }
}
