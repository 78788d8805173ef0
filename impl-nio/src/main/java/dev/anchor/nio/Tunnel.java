package dev.anchor.nio;

import dev.anchor.core.gateway.ConnectionRegistry;
import dev.anchor.core.gateway.Flow;
import dev.anchor.core.gateway.GatewayRuntime;
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

/**
 * A connection pair after 101, on one event loop. Each direction reads from its source only while
 * its destination has nothing queued: read, send, and if the socket did not take it all, stop
 * reading the source until the destination says it drained. Memory per direction is therefore at
 * most one buffer, and none at all while the tunnel is quiet.
 *
 * <p>In ping mode every byte also passes a frame scanner, so that the gateway's Pings go in only
 * between frames and the Pongs to them come out; one timer per tunnel looks after idleness,
 * heartbeats and stalled writes. How the tunnel ends is core's {@link TunnelEnding}'s to decide;
 * this class carries its plans out.
 *
 * <p>Owned by its event loop's thread, like both of its legs: no field here needs a lock.
 */
final class Tunnel implements LegHandler, Stoppable {
    /** Reads per readiness event before giving other channels on the loop their turn. */
    private static final int READS_PER_EVENT = 16;

    private final EventLoop loop;
    private final Leg client;
    private final Leg backend;
    private final TunnelStats stats;
    private final ConnectionRegistry registry;
    private final Direction upstream;
    private final Direction downstream;
    /** Heartbeats and frame scanners; null in off mode, where the tunnel is a plain byte pipe. */
    private final TunnelLiveness liveness;
    private final TunnelWatch watch;
    private final TunnelEnding ending;
    private Timers.Timer tick;
    private long lastActivity;
    /** Directions whose FIN has not gone out yet. */
    private int directionsOpen = 2;

    Tunnel(EventLoop loop, Leg client, Leg backend, TunnelStats stats, GatewayRuntime runtime) {
        this.loop = loop;
        this.client = client;
        this.backend = backend;
        this.stats = stats;
        this.registry = runtime.connections();
        TunnelControl control = TunnelControl.of(runtime, System::nanoTime);
        this.liveness = control.liveness();
        this.watch = control.watch();
        this.ending = control.ending();
        this.upstream = new Direction(Side.CLIENT, client, backend, stats.upstream());
        this.downstream = new Direction(Side.BACKEND, backend, client, stats.downstream());
        client.handler(this);
        backend.handler(this);
    }

    /**
     * Starts the tunnel: the 101 toward the client, then what each side sent behind its head before
     * the switch ({@code fromBackend} first), then both directions. Any of these can end it at once
     * (a client gone, a forbidden frame), and it is tracked and timed before the first of them.
     */
    void start(ByteBuffer switched, ByteBuffer fromBackend, ByteBuffer fromClient) {
        loop.track(this);
        lastActivity = loop.now();
        schedule();
        client.send(switched);
        if (fromBackend.hasRemaining()) {
            downstream.take(fromBackend, null, fromBackend.remaining());
        }
        if (fromClient.hasRemaining()) {
            upstream.take(fromClient, null, fromClient.remaining());
        }
        upstream.resume();
        downstream.resume();
    }

    // tag::direction[]
    /** One direction: from {@code source} to {@code destination}, one buffer at most in flight. */
    private final class Direction implements FrameScanner.Output {
        private final Side side;
        private final Leg source;
        private final Leg destination;
        private final Flow flow;
        private final FrameScanner scanner;
        /** The bytes being scanned, and their loan if they are a pooled buffer; only during {@link #take}. */
        private ByteBuffer scanning;
        private BufferPool.Loan scanningLoan;
        /** Bytes passed on and not yet accepted by the destination: for the accounting. */
        private int inFlightBytes;
        private boolean sourceEnded;
        /** The FIN is queued behind bytes the destination has not taken yet. */
        private boolean finQueued;

        Direction(Side side, Leg source, Leg destination, Flow flow) {
            this.side = side;
            this.source = source;
            this.destination = destination;
            this.flow = flow;
            this.scanner = liveness == null ? null : liveness.scannerFrom(side);
        }

        void pump() {
            for (int i = 0; i < READS_PER_EVENT; i++) {
                BufferPool.Loan loan = loop.buffers().lend();
                try {
                    int n;
                    try {
                        n = source.read(loan.buffer());
                    } catch (IOException e) {
                        failed(source, e);
                        return;
                    }
                    if (n <= 0) {
                        if (n < 0) {
                            sourceEnded();
                        }
                        return;
                    }
                    if (!take(loan.buffer().flip(), loan, n) || destination.hasPending()) {
                        pause();
                        return;
                    }
                } finally {
                    loan.release(); // what was passed on holds the buffer until it is written
                }
            }
        }

        /**
         * Passes {@code n} bytes from the source on: all of them in off mode, all but the
         * gateway's own Pongs in ping mode. False if the tunnel ended or the bytes still wait.
         */
        boolean take(ByteBuffer bytes, BufferPool.Loan loan, int n) {
            if (ending.ended()) {
                return false; // read in the same wakeup as the end: nothing more goes through
            }
            lastActivity = loop.now();
            flow.received(n);
            scanning = bytes;
            scanningLoan = loan;
            int before = inFlightBytes;
            try {
                if (scanner == null) {
                    pass(bytes.position(), bytes.limit());
                } else {
                    liveness.heard(side);
                    try {
                        scanner.scan(bytes, this);
                    } catch (FrameException e) {
                        flow.dropped(n - (inFlightBytes - before)); // what came before the forbidden frame is queued, ahead of the Close
                        end(ending.protocolError(side, e));
                        return false;
                    }
                    flow.dropped(n - (inFlightBytes - before)); // taken out: the gateway's Pongs
                    pingIfDue(side.other()); // the stream toward the other leg may just have reached a boundary
                }
            } finally {
                scanning = null;
                scanningLoan = null;
            }
            if (ending.ended() || destination.hasPending()) {
                return false;
            }
            delivered();
            return true;
        }

        @Override
        public void pass(int from, int to) {
            inFlightBytes += to - from;
            destination.send(scanning.slice(from, to - from), scanningLoan);
        }

        @Override
        public void passHeld(byte[] held, int length) {
            inFlightBytes += length;
            destination.send(ByteBuffer.wrap(held, 0, length));
        }

        /** The destination took everything queued: read on, or pass the FIN, or count the FIN passed. */
        void drained() {
            delivered();
            if (finQueued) {
                finQueued = false;
                finPassed();
            } else if (sourceEnded) {
                passFin();
            } else {
                resume();
            }
        }
        // end::direction[]

        private void delivered() {
            flow.sent(inFlightBytes);
            inFlightBytes = 0;
        }

        private void sourceEnded() {
            sourceEnded = true;
            source.reading(false); // at EOF OP_READ would fire for ever
            if (!destination.hasPending()) {
                passFin();
            }
        }

        /** The source's FIN, behind everything it sent: a half-close of the destination, perhaps after a Close. */
        private void passFin() {
            TunnelEnding.LegEnd fin = ending.streamEnded(side);
            if (fin == null) {
                return; // the tunnel has ended meanwhile
            }
            if (fin.close() != null) {
                destination.send(fin.close());
            }
            if (destination.shutdownOutputWhenFlushed()) {
                finPassed();
            } else {
                finQueued = true;
            }
        }

        private void finPassed() {
            if (--directionsOpen == 0) {
                end(ending.completed());
            }
        }

        /** Backpressure: the source is not read until the destination drains, and its silence meanwhile is ours. */
        private void pause() {
            if (ending.ended()) {
                return; // the legs are the plan's now, reading included
            }
            source.reading(false);
            if (liveness != null) {
                liveness.holding(side);
            }
        }

        void resume() {
            if (!ending.ended() && !sourceEnded && !destination.hasPending()) {
                source.reading(true);
                if (liveness != null) {
                    liveness.released(side);
                }
            }
        }
    }

    @Override
    public void readable(Leg leg) {
        (leg == client ? upstream : downstream).pump();
    }

    @Override
    public void drained(Leg leg) {
        (leg == client ? downstream : upstream).drained();
    }

    @Override
    public void failed(Leg leg, IOException e) {
        end(ending.failed(leg == client ? Side.CLIENT : Side.BACKEND, e));
    }

    // tag::tick[]
    /** One timer per tunnel: idle, stalled writes and heartbeats, whichever falls due first. */
    private void tick() {
        TunnelEnding.Plan end = watch.look(System.nanoTime(), lastActivity, this::stalledFor, this::send);
        if (end != null) {
            end(end);
        } else if (!ending.ended()) {
            schedule();
        }
    }

    private void send(Side toward, ByteBuffer frame) {
        leg(toward).send(frame);
    }

    private void pingIfDue(Side toward) {
        ByteBuffer ping = ending.ended() ? null : liveness.pingIfDue(toward);
        if (ping != null) {
            send(toward, ping);
        }
    }
    // end::tick[]

    private void schedule() {
        long now = System.nanoTime();
        long next = watch.nextCheck(now, lastActivity, this::stalledFor);
        tick = loop.schedule(Math.max(1_000_000, next - now), this::tick);
    }

    private long stalledFor(Side side, long now) {
        return leg(side).stalledFor(now);
    }

    // tag::end[]
    /** Carries out core's plan for the end of this tunnel; null is a tunnel that already ended. */
    private void end(TunnelEnding.Plan plan) {
        if (plan == null) {
            return;
        }
        if (tick != null) {
            tick.cancel();
        }
        registry.tunnelClosed(stats, plan.reason(), plan.dead());
        carryOut(client, plan.client());
        carryOut(backend, plan.backend());
        loop.untrack(this);
    }

    private static void carryOut(Leg leg, TunnelEnding.LegEnd end) {
        switch (end.action()) {
            case ABORT -> leg.abort();
            case CLOSE -> leg.close();
            case FINISH, HALF_CLOSE -> leg.finish(end.close());
        }
    }
    // end::end[]

    private Leg leg(Side side) {
        return side == Side.CLIENT ? client : backend;
    }

    @Override
    public void stop() {
        end(ending.shutdown());
    }
}
