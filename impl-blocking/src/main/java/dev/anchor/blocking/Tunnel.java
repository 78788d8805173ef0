package dev.anchor.blocking;

import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.CloseReason;
import dev.anchor.core.gateway.ConnectionRegistry;
import dev.anchor.core.gateway.Flow;
import dev.anchor.core.gateway.GatewayRuntime;
import dev.anchor.core.gateway.Linger;
import dev.anchor.core.gateway.Side;
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
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A connection pair after 101: two pumps, one per direction, each ending on its own. A FIN in one
 * direction becomes a half-close of the other leg and the reverse direction keeps flowing; a
 * failure (RST, broken pipe) on one leg aborts the other with RST; when both directions are done,
 * both legs close. Whoever ends the tunnel first decides the reason; everyone after is a no-op.
 *
 * <p>In ping mode the bytes of each direction pass a frame scanner on their way, under the
 * destination leg's write lock, so the scanner's idea of where the stream stands is always what
 * has been written; the gateway's own frames take the same lock, and go in only between frames.
 */
// tag::tunnel[]
final class Tunnel {
    private final Leg client;
    private final Leg backend;
    private final TunnelStats stats;
    private final ConnectionRegistry registry;
    private final GatewayConfig config;
    private final Runnable onEnd;
    private final AtomicInteger directionsOpen = new AtomicInteger(2);
    private final AtomicReference<CloseReason> ended = new AtomicReference<>();
    private volatile long lastActivity = System.nanoTime();

    /** The pump reading from the other leg saw FIN: pass it on, and close up once both did. */
    void finished(Leg to) {
        to.writeLock().lock(); // not while a Ping is being written to it
        try {
            if (liveness != null) {
                Side side = to == client ? Side.CLIENT : Side.BACKEND;
                locked(() -> {
                    liveness.streamEnded(side); // no Ping can follow a FIN
                    return null;
                });
            }
            to.shutdownOutput();
        } finally {
            to.writeLock().unlock();
        }
        if (directionsOpen.decrementAndGet() == 0) {
            end(CloseReason.COMPLETED, null);
        }
    }

    /** Reading from or writing to {@code leg} failed: the tunnel cannot go on. */
    void failed(Leg leg, IOException e) {
        Side side = leg == client ? Side.CLIENT : Side.BACKEND;
        CloseReason reason = CloseReason.failure(side, e);
        if (reason == CloseReason.TCP_TIMEOUT) {
            die(side, reason); // the kernel gave up on it: a dead peer, and the other side is told
        } else {
            end(reason, null);
        }
    }

    void end(CloseReason reason, Side dead) {
        if (!ended.compareAndSet(null, reason)) {
            return;
        }
        registry.tunnelClosed(stats, reason, dead); // counted before the peers can see it end
        switch (reason) {
            case CLIENT_RESET -> {
                backend.abort();
                client.close();
            }
            case BACKEND_RESET -> {
                client.abort();
                backend.close();
            }
            default -> {
                if (dead != null) {
                    leg(dead).abort();
                }
                client.close();
                backend.close();
            }
        }
        onEnd.run();
    }
    // end::tunnel[]

    /** Heartbeats and frame scanners; null in off mode. Touched only under {@link #liveLock}. */
    private final TunnelLiveness liveness;
    private final ReentrantLock liveLock = new ReentrantLock();
    /** Idle, stalled writes and heartbeats: the watchdog's questions, the same as the other gateways'. */
    private final TunnelWatch watch;
    /** Whether a Ping toward a side is being written by a thread of its own, by {@link Side#ordinal()}. */
    private final AtomicBoolean[] injecting = {new AtomicBoolean(), new AtomicBoolean()};
    /** When a dying tunnel began saying goodbye, or 0; it ends after {@link Linger#TIME} whatever happens. */
    private volatile long dyingSince;

    Tunnel(Leg client, Leg backend, TunnelStats stats, GatewayRuntime runtime, Runnable onEnd) {
        this.client = client;
        this.backend = backend;
        this.stats = stats;
        this.registry = runtime.connections();
        this.config = runtime.config();
        this.onEnd = onEnd;
        this.liveness = config.heartbeat().pings()
                ? new TunnelLiveness(config.heartbeat(), System::nanoTime,
                        runtime.heartbeatMeters(Side.CLIENT), runtime.heartbeatMeters(Side.BACKEND))
                : null;
        this.watch = new TunnelWatch(config.timeouts(), liveness);
    }

    /** Runs client-to-backend on this thread and backend-to-client on one from {@code workers}. */
    void run(Workers workers, int bufferSize) {
        workers.start("downstream-" + stats.id(), new Pump(this, Side.BACKEND, backend, stats.downstream(), bufferSize));
        new Pump(this, Side.CLIENT, client, stats.upstream(), bufferSize).run();
    }

    // tag::forward[]
    /**
     * Passes {@code n} bytes read from {@code from} on to the other leg: all of them in off mode;
     * in ping mode all but the gateway's own Pongs, followed by a Ping if one is due and the stream
     * now stands between frames. False once the tunnel cannot go on.
     */
    boolean forward(Side from, byte[] buffer, int offset, int n, Flow flow) {
        Leg to = leg(from.other());
        touch();
        flow.received(n);
        to.writeLock().lock();
        try {
            if (dyingSince != 0) {
                flow.dropped(n); // the tunnel is saying goodbye: nothing more goes through
                return false;
            }
            if (liveness == null) {
                to.write(buffer, offset, n);
                flow.sent(n);
                return true;
            }
            Pieces pieces = new Pieces(buffer);
            FrameException refused = null;
            liveLock.lock();
            try {
                liveness.heard(from);
                liveness.scannerFrom(from).scan(ByteBuffer.wrap(buffer, offset, n), pieces);
            } catch (FrameException e) {
                refused = e; // what came before the forbidden frame still goes on, ahead of the Close
            } finally {
                liveLock.unlock();
            }
            flow.dropped(n - pieces.passed); // taken out: the gateway's own Pongs, or a forbidden frame and what followed
            pieces.writeTo(to);
            flow.sent(pieces.passed);
            if (refused != null) {
                protocolError(from, refused);
                return false;
            }
            ByteBuffer ping = locked(() -> liveness.pingIfDue(from.other()));
            if (ping != null) {
                to.write(ping.array(), 0, ping.limit());
            }
            return true;
        } catch (IOException e) {
            failed(to, e);
            return false;
        } finally {
            to.writeLock().unlock();
        }
    }
    // end::forward[]

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
    /** The watchdog's look at this tunnel: idle, stalled writes, heartbeats. It never blocks. */
    void check(long now) {
        if (ended.get() != null) {
            return;
        }
        if (dyingSince != 0) {
            if (now - dyingSince >= Linger.TIME.toNanos()) {
                end(CloseReason.SHUTDOWN, null); // its goodbye could not be written in time
            }
            return;
        }
        TunnelWatch.Ending ending = locked(() -> watch.check(now, lastActivity, (side, at) -> leg(side).stalledFor(at)));
        if (ending != null) {
            if (ending.dead() == null) {
                end(ending.reason(), null);
            } else {
                die(ending.dead(), ending.reason());
            }
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
     * Writes a due Ping toward {@code side} from a virtual thread of its own: it may have to wait
     * for a pump that is writing to that leg, or for the peer to take the bytes.
     */
    private void injectPing(Side side) {
        if (!injecting[side.ordinal()].compareAndSet(false, true)) {
            return;
        }
        Thread.ofVirtual().name("anchor-ping-" + stats.id()).start(() -> {
            Leg leg = leg(side);
            leg.writeLock().lock();
            try {
                ByteBuffer ping = locked(() -> liveness.pingIfDue(side));
                if (ping != null) {
                    leg.write(ping.array(), 0, ping.limit());
                }
            } catch (IOException e) {
                failed(leg, e);
            } finally {
                leg.writeLock().unlock();
                injecting[side.ordinal()].set(false);
            }
        });
    }
    // end::check[]

    // tag::die[]
    /**
     * {@code dead} stopped answering, taking bytes, or being there at all: end the tunnel, and in
     * ping mode first tell the other side with a Close 1001 between two of its frames.
     */
    private void die(Side dead, CloseReason reason) {
        goodbye(reason, dead, dead.other(), () -> liveness.closeAfterDeath(dead));
    }

    /**
     * A frame RFC 6455 forbids: the other side gets 1001 at once (the caller holds its lock), its
     * sender 1002.
     */
    private void protocolError(Side offender, FrameException e) {
        Side other = offender.other();
        ByteBuffer toOther = liveness.closeAfterProtocolError(other, offender, e);
        if (toOther != null) {
            try {
                leg(other).write(toOther.array(), 0, toOther.limit());
            } catch (IOException ignored) {
                // that leg is going anyway
            }
        }
        goodbye(CloseReason.PROTOCOL_ERROR, null, offender, () -> liveness.closeAfterProtocolError(offender, offender, e));
    }

    /**
     * Ends the tunnel once the {@code close} frame (made under the lock, where the stream toward
     * {@code toward} stands still) has been written, from a thread of its own: that leg's lock may
     * be held by a pump for a while. The watchdog ends it anyway after {@link Linger#TIME}.
     */
    private void goodbye(CloseReason reason, Side dead, Side toward, Supplier<ByteBuffer> close) {
        if (dyingSince != 0 || ended.get() != null) {
            return;
        }
        dyingSince = System.nanoTime();
        if (liveness == null) {
            end(reason, dead);
            return;
        }
        Thread.ofVirtual().name("anchor-goodbye-" + stats.id()).start(() -> {
            Leg leg = leg(toward);
            try {
                if (leg.writeLock().tryLock(Linger.TIME.toMillis(), TimeUnit.MILLISECONDS)) {
                    try {
                        ByteBuffer frame = locked(close::get);
                        if (frame != null) {
                            leg.write(frame.array(), 0, frame.limit());
                        }
                    } finally {
                        leg.writeLock().unlock();
                    }
                }
            } catch (IOException | InterruptedException ignored) {
                // the Close could not be written: the end below is all that is left
            } finally {
                end(reason, dead);
            }
        });
    }
    // end::die[]

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

    private <T> T locked(Supplier<T> work) {
        liveLock.lock();
        try {
            return work.get();
        } finally {
            liveLock.unlock();
        }
    }
}
