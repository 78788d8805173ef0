package dev.anchor.nio;

import dev.anchor.core.gateway.CloseReason;
import dev.anchor.core.gateway.ConnectionRegistry;
import dev.anchor.core.gateway.Flow;
import dev.anchor.core.gateway.TunnelStats;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;

/**
 * A connection pair after 101, on one event loop. Each direction reads from its source only while
 * its destination has nothing queued: read, send, and if the socket did not take it all, stop
 * reading the source until the destination says it drained. Memory per direction is therefore at
 * most one buffer, and none at all while the tunnel is quiet.
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
    private final long idleNanos;
    private Timers.Timer idleTimer;
    private long lastActivity;
    private int directionsOpen = 2;
    private boolean ended;

    Tunnel(EventLoop loop, Leg client, Leg backend, TunnelStats stats, ConnectionRegistry registry, Duration idle) {
        this.loop = loop;
        this.client = client;
        this.backend = backend;
        this.stats = stats;
        this.registry = registry;
        this.upstream = new Direction(client, backend, stats.upstream());
        this.downstream = new Direction(backend, client, stats.downstream());
        this.idleNanos = idle.toNanos();
        client.handler(this);
        backend.handler(this);
    }

    /** Starts both directions; bytes already queued toward the client (the 101) go first. */
    void start() {
        loop.track(this);
        lastActivity = loop.now();
        if (idleNanos > 0) {
            idleTimer = loop.schedule(idleNanos, this::checkIdle);
        }
        upstream.resume();
        downstream.resume();
    }

    /** Bytes the backend sent behind its 101, already read: they are the first of the downstream. */
    void carryDownstream(ByteBuffer early) {
        downstream.carry(early);
    }

    /** Bytes the client sent behind its request head, held until the 101: the first of the upstream. */
    void carryUpstream(ByteBuffer early) {
        upstream.carry(early);
    }

    // tag::direction[]
    /** One direction: from {@code source} to {@code destination}, one buffer at most in flight. */
    private final class Direction {
        private final Leg source;
        private final Leg destination;
        private final Flow flow;
        private ByteBuffer inFlight;
        private int inFlightBytes;
        private boolean sourceEnded;

        Direction(Leg source, Leg destination, Flow flow) {
            this.source = source;
            this.destination = destination;
            this.flow = flow;
        }

        void pump() {
            for (int i = 0; i < READS_PER_EVENT; i++) {
                ByteBuffer buffer = loop.buffers().acquire();
                int n;
                try {
                    n = source.read(buffer);
                } catch (IOException e) {
                    loop.buffers().release(buffer);
                    failed(source);
                    return;
                }
                if (n <= 0) {
                    loop.buffers().release(buffer);
                    if (n < 0) {
                        sourceEnded();
                    }
                    return;
                }
                lastActivity = loop.now();
                flow.received(n);
                inFlightBytes = n;
                inFlight = buffer.flip();
                destination.send(buffer); // may drain at once, calling drained() before it returns
                if (ended) {
                    return;
                }
                if (inFlight != null) {
                    source.reading(false); // backpressure: wait until the destination drains
                    return;
                }
            }
        }

        /** The destination took everything queued: release the buffer, read on (or pass the FIN). */
        void drained() {
            if (inFlight != null) {
                flow.sent(inFlightBytes);
                loop.buffers().release(inFlight);
                inFlight = null;
            }
            if (sourceEnded) {
                finish();
            } else {
                resume();
            }
        }

        private void sourceEnded() {
            sourceEnded = true;
            source.reading(false); // at EOF OP_READ would fire for ever
            if (inFlight == null) {
                finish();
            }
        }

        private void finish() {
            destination.shutdownOutput();
            if (--directionsOpen == 0) {
                end(CloseReason.COMPLETED);
            }
        }
        // end::direction[]

        void resume() {
            if (!ended && !sourceEnded && !destination.hasPending()) {
                source.reading(true);
            }
        }

        void carry(ByteBuffer early) {
            if (early.hasRemaining()) {
                inFlightBytes = early.remaining();
                flow.received(inFlightBytes);
                inFlight = early;
                destination.send(early);
            }
        }

        void release() {
            if (inFlight != null) {
                int unsent = inFlight.remaining();
                flow.sent(inFlightBytes - unsent);
                flow.dropped(unsent);
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
        failed(leg);
    }

    private void failed(Leg leg) {
        end(leg == client ? CloseReason.CLIENT_RESET : CloseReason.BACKEND_RESET);
    }

    private void checkIdle() {
        long idleFor = System.nanoTime() - lastActivity;
        if (idleFor >= idleNanos) {
            end(CloseReason.IDLE_TIMEOUT);
        } else if (!ended) {
            idleTimer = loop.schedule(idleNanos - idleFor, this::checkIdle);
        }
    }

    // tag::end[]
    void end(CloseReason reason) {
        if (ended) {
            return;
        }
        ended = true;
        if (idleTimer != null) {
            idleTimer.cancel();
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
                client.close();
                backend.close();
            }
        }
        registry.tunnelClosed(stats, reason);
        loop.untrack(this);
    }
    // end::end[]

    @Override
    public void stop() {
        end(CloseReason.SHUTDOWN);
    }
}
