package dev.anchor.nio;

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

/**
 * A connection pair after 101, on one event loop. Each direction reads from its source only while
 * its destination has nothing queued: read, send, and if the socket did not take it all, stop
 * reading the source until the destination says it drained. Memory per direction is therefore at
 * most one buffer, and none at all while the tunnel is quiet.
 *
 * <p>In ping mode every byte also passes a frame scanner, so that the gateway's Pings go in only
 * between frames and the Pongs to them come out; one timer per tunnel looks after idleness,
 * heartbeats and stalled writes.
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
    private Timers.Timer tick;
    private long lastActivity;
    private int directionsOpen = 2;
    private boolean ended;

    Tunnel(EventLoop loop, Leg client, Leg backend, TunnelStats stats, GatewayRuntime runtime) {
        GatewayConfig config = runtime.config();
        this.loop = loop;
        this.client = client;
        this.backend = backend;
        this.stats = stats;
        this.registry = runtime.connections();
        this.liveness = config.heartbeat().pings()
                ? new TunnelLiveness(config.heartbeat(), System::nanoTime,
                        runtime.heartbeatMeters(Side.CLIENT), runtime.heartbeatMeters(Side.BACKEND))
                : null;
        this.watch = new TunnelWatch(config.timeouts(), liveness);
        this.upstream = new Direction(Side.CLIENT, client, backend, stats.upstream());
        this.downstream = new Direction(Side.BACKEND, backend, client, stats.downstream());
        client.handler(this);
        backend.handler(this);
    }

    /** Starts both directions; bytes already queued toward the client (the 101) go first. */
    void start() {
        loop.track(this);
        lastActivity = loop.now();
        schedule();
        upstream.resume();
        downstream.resume();
    }

    /** Bytes the backend sent behind its 101, already read: they are the first of the downstream. */
    void carryDownstream(ByteBuffer early) {
        downstream.take(early, early.remaining());
    }

    /** Bytes the client sent behind its request head, held until the 101: the first of the upstream. */
    void carryUpstream(ByteBuffer early) {
        upstream.take(early, early.remaining());
    }

    // tag::direction[]
    /** One direction: from {@code source} to {@code destination}, one buffer at most in flight. */
    private final class Direction implements FrameScanner.Output {
        private final Side side;
        private final Leg source;
        private final Leg destination;
        private final Flow flow;
        private final FrameScanner scanner;
        private ByteBuffer inFlight;
        private int inFlightBytes;
        private boolean sourceEnded;

        Direction(Side side, Leg source, Leg destination, Flow flow) {
            this.side = side;
            this.source = source;
            this.destination = destination;
            this.flow = flow;
            this.scanner = liveness == null ? null : liveness.scannerFrom(side);
        }

        void pump() {
            for (int i = 0; i < READS_PER_EVENT; i++) {
                ByteBuffer buffer = loop.buffers().acquire();
                int n;
                try {
                    n = source.read(buffer);
                } catch (IOException e) {
                    loop.buffers().release(buffer);
                    failed(source, e);
                    return;
                }
                if (n <= 0) {
                    loop.buffers().release(buffer);
                    if (n < 0) {
                        sourceEnded();
                    }
                    return;
                }
                if (!take(buffer.flip(), n) || destination.hasPending()) {
                    source.reading(false); // backpressure: wait until the destination drains
                    return;
                }
            }
        }

        /**
         * Passes {@code n} bytes from the source on: all of them in off mode, all but the
         * gateway's own Pongs in ping mode. False if the tunnel ended or the bytes still wait.
         */
        boolean take(ByteBuffer bytes, int n) {
            lastActivity = loop.now();
            flow.received(n);
            inFlight = bytes;
            inFlightBytes = 0;
            if (scanner == null) {
                pass(bytes.position(), bytes.limit());
            } else {
                liveness.heard(side);
                try {
                    scanner.scan(bytes, this);
                } catch (FrameException e) {
                    flow.dropped(n - inFlightBytes); // what came before the forbidden frame is queued, ahead of the Close
                    protocolError(side, e);
                    return false;
                }
                flow.dropped(n - inFlightBytes); // taken out: the gateway's Pongs
                pingIfDue(side.other()); // the stream toward the other leg may just have reached a boundary
            }
            if (ended || destination.hasPending()) {
                return false;
            }
            delivered();
            return true;
        }

        @Override
        public void pass(int from, int to) {
            inFlightBytes += to - from;
            destination.send(inFlight.slice(from, to - from));
        }

        @Override
        public void passHeld(byte[] held, int length) {
            inFlightBytes += length;
            destination.send(ByteBuffer.wrap(held, 0, length));
        }

        /** The destination took everything queued: release the buffer, read on (or pass the FIN). */
        void drained() {
            delivered();
            if (sourceEnded) {
                finish();
            } else {
                resume();
            }
        }
        // end::direction[]

        private void delivered() {
            if (inFlight != null) {
                flow.sent(inFlightBytes);
                loop.buffers().release(inFlight);
                inFlight = null;
                inFlightBytes = 0;
            }
        }

        private void sourceEnded() {
            sourceEnded = true;
            source.reading(false); // at EOF OP_READ would fire for ever
            if (!destination.hasPending()) {
                finish();
            }
        }

        private void finish() {
            if (liveness != null) {
                liveness.streamEnded(side.other()); // no Ping can follow a FIN
            }
            destination.shutdownOutput();
            if (--directionsOpen == 0) {
                end(CloseReason.COMPLETED, null, null, null);
            }
        }

        void resume() {
            if (!ended && !sourceEnded && !destination.hasPending()) {
                source.reading(true);
            }
        }

        void release() {
            if (inFlight != null) {
                loop.buffers().release(inFlight);
                inFlight = null;
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
        Side side = leg == client ? Side.CLIENT : Side.BACKEND;
        CloseReason reason = CloseReason.failure(side, e);
        if (reason == CloseReason.TCP_TIMEOUT) {
            die(side, reason); // the kernel gave up on it: a dead peer, and the other side is told
        } else {
            end(reason, null, null, null);
        }
    }

    // tag::tick[]
    /** One timer per tunnel: idle, stalled writes and heartbeats, whichever falls due first. */
    private void tick() {
        long now = System.nanoTime();
        TunnelWatch.Ending ending = watch.check(now, lastActivity, this::stalledFor);
        if (ending != null) {
            if (ending.dead() == null) {
                end(ending.reason(), null, null, null);
            } else {
                die(ending.dead(), ending.reason());
            }
            return;
        }
        if (liveness != null) {
            pingIfDue(Side.CLIENT);
            pingIfDue(Side.BACKEND);
        }
        schedule();
    }

    private void pingIfDue(Side toward) {
        ByteBuffer ping = ended ? null : liveness.pingIfDue(toward);
        if (ping != null) {
            leg(toward).send(ping);
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

    // tag::die[]
    /**
     * {@code dead} stopped answering, taking bytes, or being there at all: end the tunnel, and in
     * ping mode tell the other side with a Close 1001 ("going away") between two of its frames.
     */
    private void die(Side dead, CloseReason reason) {
        ByteBuffer close = liveness == null ? null : liveness.closeAfterDeath(dead);
        end(reason, dead, dead == Side.BACKEND ? close : null, dead == Side.CLIENT ? close : null);
    }

    /** A frame RFC 6455 forbids: its sender gets 1002, the other side 1001. */
    private void protocolError(Side offender, FrameException e) {
        end(CloseReason.PROTOCOL_ERROR, null,
                liveness.closeAfterProtocolError(Side.CLIENT, offender, e),
                liveness.closeAfterProtocolError(Side.BACKEND, offender, e));
    }
    // end::die[]

    // tag::end[]
    private void end(CloseReason reason, Side dead, ByteBuffer closeToClient, ByteBuffer closeToBackend) {
        if (ended) {
            return;
        }
        ended = true;
        if (tick != null) {
            tick.cancel();
        }
        upstream.release();
        downstream.release();
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
                goodbye(client, closeToClient, dead == Side.CLIENT);
                goodbye(backend, closeToBackend, dead == Side.BACKEND);
            }
        }
        registry.tunnelClosed(stats, reason, dead);
        loop.untrack(this);
    }

    /** A dead leg is aborted; a live one gets its Close frame, if any, and then FIN. */
    private static void goodbye(Leg leg, ByteBuffer close, boolean dead) {
        if (dead) {
            leg.abort();
        } else if (close != null) {
            leg.send(close);
            leg.closeGracefully(Linger.TIME.toNanos());
        } else {
            leg.close();
        }
    }
    // end::end[]

    private Leg leg(Side side) {
        return side == Side.CLIENT ? client : backend;
    }

    @Override
    public void stop() {
        end(CloseReason.SHUTDOWN, null, null, null);
    }
}
