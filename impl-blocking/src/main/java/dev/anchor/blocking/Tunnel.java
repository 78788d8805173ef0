package dev.anchor.blocking;

import dev.anchor.core.gateway.ConnectionRegistry;
import dev.anchor.core.gateway.Flow;
import dev.anchor.core.gateway.GatewayRuntime;
import dev.anchor.core.gateway.Linger;
import dev.anchor.core.gateway.Side;
import dev.anchor.core.gateway.TunnelControl;
import dev.anchor.core.gateway.TunnelEnding;
import dev.anchor.core.gateway.TunnelStats;
import dev.anchor.core.heartbeat.TunnelLiveness;
import dev.anchor.core.heartbeat.TunnelWatch;
import dev.anchor.core.websocket.FrameException;
import dev.anchor.core.websocket.FrameScanner;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A connection pair after 101: two relays, one per direction, each ending on its own. A FIN in one
 * direction becomes a half-close of the other leg and the reverse direction keeps flowing. How the
 * tunnel ends otherwise (which leg is aborted, which gets a Close frame before its FIN) is core's
 * {@link TunnelEnding}'s to decide; this class carries its plans out, and whoever ends the tunnel
 * first decides the reason.
 *
 * <p>In ping mode the bytes of each direction pass a frame scanner on their way, under the
 * destination leg's write lock, so the scanner's idea of where the stream stands is always what
 * has been written; the gateway's own frames take the same lock, and go in only between frames.
 * Core's parts of the tunnel are touched only under {@link #controlLock}.
 */
// tag::tunnel[]
final class Tunnel {
    private final Leg client;
    private final Leg backend;
    private final TunnelStats stats;
    private final ConnectionRegistry registry;
    private final Workers workers;
    private final Runnable onEnd;
    /** Directions whose FIN has not gone out yet. */
    private final AtomicInteger directionsOpen = new AtomicInteger(2);
    private volatile long lastActivity = System.nanoTime();

    /** The relay reading from {@code from} saw FIN: pass it on, and close up once both did. */
    void finished(Side from) {
        Leg source = leg(from);
        source.inputEnded();
        Leg to = leg(from.other());
        to.writeLock().lock(); // behind a write in progress, and not while a Ping is being written
        try {
            TunnelEnding.LegEnd fin = locked(() -> ending.streamEnded(from));
            if (fin == null) {
                source.closeIfLingering(); // the tunnel ended before: the peer has now closed too
                return;
            }
            if (fin.close() != null) {
                to.write(fin.close());
            }
            to.shutdownOutput();
        } catch (IOException e) {
            failed(from.other(), e);
            return;
        } finally {
            to.writeLock().unlock();
        }
        if (directionsOpen.decrementAndGet() == 0) {
            end(locked(ending::completed));
        }
    }

    /** Reading from or writing to {@code side} failed: the tunnel cannot go on. */
    void failed(Side side, IOException e) {
        TunnelEnding.Plan plan = locked(() -> ending.failed(side, e));
        if (plan == null) {
            leg(side).close(); // the tunnel had ended and this leg was lingering: it is done
        }
        end(plan);
    }

    /** The gateway is stopping: the tunnel ends now, and a leg still saying goodbye stops waiting. */
    void shutdown() {
        TunnelEnding.Plan plan = locked(ending::shutdown);
        if (plan == null) {
            client.close();
            backend.close();
        }
        end(plan);
    }

    /** Ends the tunnel as core planned it: legs to abort or close at once, legs to say goodbye to. */
    void end(TunnelEnding.Plan plan) {
        if (plan == null) {
            return;
        }
        registry.tunnelClosed(stats, plan.reason(), plan.dead()); // counted before the peers can see it end
        for (Side side : Side.values()) {
            TunnelEnding.LegEnd end = plan.leg(side);
            switch (end.action()) {
                case ABORT -> leg(side).abort();
                case CLOSE -> leg(side).close();
                case FINISH, HALF_CLOSE -> finish(side, end.close());
            }
        }
        if (client.isClosed() && backend.isClosed()) {
            onEnd.run();
        }
    }
    // end::tunnel[]

    /** Core's parts of this tunnel: heartbeats (null in off mode), the timer's questions, the ending. */
    private final TunnelLiveness liveness;
    private final TunnelWatch watch;
    private final TunnelEnding ending;
    private final ReentrantLock controlLock = new ReentrantLock();
    /** Whether a Ping toward a side is being written by a thread of its own, by {@link Side#ordinal()}. */
    private final AtomicBoolean[] injecting = {new AtomicBoolean(), new AtomicBoolean()};
    private final AtomicBoolean endReported = new AtomicBoolean();

    Tunnel(Leg client, Leg backend, TunnelStats stats, GatewayRuntime runtime, Workers workers, Runnable onEnd) {
        this.client = client;
        this.backend = backend;
        this.stats = stats;
        this.registry = runtime.connections();
        this.workers = workers;
        this.onEnd = () -> {
            if (endReported.compareAndSet(false, true)) {
                onEnd.run();
            }
        };
        TunnelControl control = TunnelControl.of(runtime, System::nanoTime);
        this.liveness = control.liveness();
        this.watch = control.watch();
        this.ending = control.ending();
        client.onClosed(this::legClosed);
        backend.onClosed(this::legClosed);
    }

    /** Runs client-to-backend on this thread and backend-to-client on one from {@code workers}. */
    void run(BufferPool buffers) {
        // the lifecycle asks from its own thread; core's ending decides under the control lock
        stats.departWith(reason -> end(locked(() -> ending.goAway(reason))), liveness != null);
        workers.start("downstream-" + stats.id(), new Relay(this, Side.BACKEND, backend, stats.downstream(), buffers));
        new Relay(this, Side.CLIENT, client, stats.upstream(), buffers).run();
    }

    // tag::pass[]
    /**
     * Passes {@code n} bytes read from {@code from} on to the other leg: all of them in off mode;
     * in ping mode all but the gateway's own Pongs, followed by a Ping if one is due and the stream
     * now stands between frames. False once the relay should stop reading.
     */
    boolean pass(Side from, byte[] buffer, int offset, int n, Flow flow) {
        Leg to = leg(from.other());
        touch();
        flow.received(n);
        to.writeLock().lock();
        try {
            if (ending.ended()) {
                flow.dropped(n); // the tunnel is saying goodbye: nothing more goes through
                return leg(from).isLingering(); // read on and drop, until that peer closes too
            }
            if (liveness == null) {
                to.write(buffer, offset, n);
                flow.sent(n);
                return true;
            }
            Pieces pieces = new Pieces(buffer);
            FrameException refused = null;
            controlLock.lock();
            try {
                liveness.heard(from);
                liveness.holding(from); // this relay reads no more until the write below is done
                liveness.scannerFrom(from).scan(ByteBuffer.wrap(buffer, offset, n), pieces);
            } catch (FrameException e) {
                refused = e; // what came before the forbidden frame still goes on, ahead of the Close
            } finally {
                controlLock.unlock();
            }
            flow.dropped(n - pieces.passed); // taken out: the gateway's own Pongs, or a forbidden frame and what followed
            pieces.writeTo(to);
            flow.sent(pieces.passed);
            if (refused != null) {
                FrameException why = refused;
                end(locked(() -> ending.protocolError(from, why))); // its Close waits for this lock
                return true;
            }
            if (departed()) {
                return true; // a goodbye the gateway owed (chapter 9) went first
            }
            ByteBuffer ping = locked(() -> {
                liveness.released(from);
                return liveness.pingIfDue(from.other());
            });
            if (ping != null) {
                to.write(ping);
            }
            return true;
        } catch (IOException e) {
            failed(from.other(), e);
            return false;
        } finally {
            to.writeLock().unlock();
        }
    }
    // end::pass[]

    /**
     * The stream toward the other leg may just have reached a frame boundary: if the gateway owes
     * the tunnel a goodbye (a drain, a lifetime), it ends now, its Closes waiting for the write
     * locks behind what was just written.
     */
    private boolean departed() {
        TunnelEnding.Plan leave = locked(ending::departureIfDue);
        end(leave);
        return leave != null;
    }

    /** The parts of one read that go on: ranges of the buffer, and control frames held from earlier reads. */
    private static final class Pieces implements FrameScanner.Output {
        private final byte[] buffer;
        private final List<Object> parts = new ArrayList<>(2);
        private int passed;

        Pieces(byte[] buffer) {
            this.buffer = buffer;
        }

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

        void writeTo(Leg to) throws IOException {
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

    // tag::check[]
    /** The timekeeper's look at this tunnel: idle, stalled writes, heartbeats, goodbyes overdue. It never blocks. */
    void check(long now) {
        if (ending.ended()) {
            client.closeIfLingeredUntil(now); // a goodbye that could not be written, or not answered, in time
            backend.closeIfLingeredUntil(now);
            return;
        }
        TunnelEnding.Plan plan = locked(() -> watch.endIfDue(now, lastActivity, (side, at) -> leg(side).stalledFor(at)));
        if (plan != null) {
            end(plan);
            return;
        }
        if (liveness == null) {
            return;
        }
        for (Side side : Side.values()) {
            if (locked(() -> liveness.pingWaiting(side))) {
                injectPing(side);
            }
        }
    }

    /**
     * Writes a due Ping toward {@code side} from a thread of its own: it may have to wait for a
     * relay that is writing to that leg, or for the peer to take the bytes, and the timekeeper must
     * not. The Ping is made under the leg's write lock, where the stream stands still between frames.
     */
    private void injectPing(Side side) {
        if (!injecting[side.ordinal()].compareAndSet(false, true)) {
            return;
        }
        workers.start("ping-" + stats.id(), () -> {
            Leg leg = leg(side);
            leg.writeLock().lock();
            try {
                ByteBuffer ping = locked(() -> ending.ended() ? null : liveness.pingIfDue(side));
                if (ping != null) {
                    leg.write(ping);
                }
            } catch (IOException e) {
                failed(side, e);
            } finally {
                leg.writeLock().unlock();
                injecting[side.ordinal()].set(false);
            }
        });
    }
    // end::check[]

    // tag::finish[]
    /**
     * Says goodbye to a live leg: its Close frame (if any) and FIN behind whatever a relay is writing
     * to it, from a thread of its own, since that may wait for the relay or for the peer. The relay
     * reading from the leg drops what it still sends until it closes; the timekeeper closes it after
     * {@link Linger#TIME} whatever happens.
     */
    private void finish(Side side, ByteBuffer close) {
        Leg leg = leg(side);
        if (!leg.lingerUntil(System.nanoTime() + Linger.TIME.toNanos())) {
            return; // already closed
        }
        workers.start("goodbye-" + stats.id(), () -> {
            try {
                if (leg.writeLock().tryLock(Linger.TIME.toMillis(), TimeUnit.MILLISECONDS)) {
                    try {
                        if (close != null) {
                            leg.write(close);
                        }
                        leg.shutdownOutput();
                    } finally {
                        leg.writeLock().unlock();
                    }
                }
            } catch (IOException | InterruptedException e) {
                leg.close(); // the goodbye could not be written: nothing more to wait for
            }
            leg.closeIfInputEnded(); // a peer that had already sent FIN has nothing more to say
        });
    }
    // end::finish[]

    private void legClosed() {
        if (ending.ended() && client.isClosed() && backend.isClosed()) {
            onEnd.run();
        }
    }

    /** Bytes moved: the tunnel is not idle. */
    void touch() {
        lastActivity = System.nanoTime();
    }

    TunnelStats stats() {
        return stats;
    }

    Leg leg(Side side) {
        return side == Side.CLIENT ? client : backend;
    }

    /** Core's parts of the tunnel are used by the relays, the timekeeper and the ping writers: one at a time. */
    private <T> T locked(Supplier<T> work) {
        controlLock.lock();
        try {
            return work.get();
        } finally {
            controlLock.unlock();
        }
    }
}
