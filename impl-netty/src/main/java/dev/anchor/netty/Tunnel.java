package dev.anchor.netty;

import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.CloseReason;
import dev.anchor.core.gateway.ConnectionRegistry;
import dev.anchor.core.gateway.GatewayRuntime;
import dev.anchor.core.gateway.Linger;
import dev.anchor.core.gateway.Side;
import dev.anchor.core.gateway.TunnelStats;
import dev.anchor.core.heartbeat.TunnelLiveness;
import dev.anchor.core.heartbeat.TunnelWatch;
import dev.anchor.core.websocket.FrameException;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * A connection pair after 101. A FIN read on one leg becomes a half-close of the other once what
 * was read before it has been written, and the reverse direction keeps flowing; a failure (RST,
 * broken pipe) on one leg aborts the other with RST; when both directions are done, both legs
 * close. Whoever ends the tunnel first decides the reason; every later call is a no-op.
 *
 * <p>Both channels are on one event loop, and so is every call here: no field needs a lock, a
 * volatile or an atomic, and no two events of one tunnel ever race.
 */
// tag::tunnel[]
final class Tunnel {
    private final Channel client;
    private final Channel backend;
    private final TunnelStats stats;
    private final ConnectionRegistry registry;
    private final GatewayContext gateway;
    private boolean clientFinished;
    private boolean backendFinished;
    private int directionsOpen = 2;
    private CloseReason ended;

    /** {@code from} sent FIN: pass it on behind the bytes already read, and close once both did. */
    void finished(Channel from) {
        if (from == client ? clientFinished : backendFinished) {
            return;
        }
        if (from == client) {
            clientFinished = true;
        } else {
            backendFinished = true;
        }
        Channel to = other(from);
        if (liveness != null) {
            liveness.streamEnded(to == client ? Side.CLIENT : Side.BACKEND); // no Ping can follow a FIN
        }
        Ends.shutdownOutputOnFlush(to).addListener((ChannelFutureListener) sent -> {
            if (!sent.isSuccess()) {
                failed(to, sent.cause());
            } else if (--directionsOpen == 0) {
                end(CloseReason.COMPLETED);
            }
        });
    }

    /** Reading from or writing to {@code leg} failed, or it closed under us: the tunnel cannot go on. */
    void failed(Channel leg, Throwable cause) {
        Side side = leg == client ? Side.CLIENT : Side.BACKEND;
        CloseReason reason = gateway.stopping() ? CloseReason.SHUTDOWN : CloseReason.failure(side, cause);
        if (reason == CloseReason.TCP_TIMEOUT) {
            die(side, reason); // the kernel gave up on it: a dead peer, and the other side is told
        } else {
            end(reason);
        }
    }

    void end(CloseReason reason) {
        end(reason, null, null, null);
    }

    /** Ends the tunnel: a {@code dead} leg gets RST, a live one its Close frame, if any, before FIN. */
    private void end(CloseReason reason, Side dead, ByteBuffer toClient, ByteBuffer toBackend) {
        if (ended != null) {
            return;
        }
        ended = reason;
        if (tick != null) {
            tick.cancel(false);
        }
        registry.tunnelClosed(stats, reason, dead);
        switch (reason) {
            case CLIENT_RESET -> {
                Ends.abort(backend);
                client.close();
            }
            case BACKEND_RESET -> {
                Ends.abort(client);
                backend.close();
            }
            default -> {
                goodbye(client, dead == Side.CLIENT, toClient);
                goodbye(backend, dead == Side.BACKEND, toBackend);
            }
        }
    }
    // end::tunnel[]

    /** Heartbeats and frame scanners; null in off mode. */
    private final TunnelLiveness liveness;
    private final TunnelWatch watch;
    /** Writes under way to each leg and when one last completed, for stalls, by {@link Side#ordinal()}. */
    private final int[] writesInFlight = new int[2];
    private final long[] lastProgress = new long[2];
    /** When a relay last read anything, in either direction. */
    private long lastActivity = System.nanoTime();
    private ScheduledFuture<?> tick;

    Tunnel(Channel client, Channel backend, TunnelStats stats, GatewayContext gateway) {
        this.client = client;
        this.backend = backend;
        this.stats = stats;
        this.registry = gateway.registry();
        this.gateway = gateway;
        GatewayConfig config = gateway.config();
        GatewayRuntime runtime = gateway.runtime();
        this.liveness = config.heartbeat().pings()
                ? new TunnelLiveness(config.heartbeat(), System::nanoTime,
                        runtime.heartbeatMeters(Side.CLIENT), runtime.heartbeatMeters(Side.BACKEND))
                : null;
        this.watch = new TunnelWatch(config.timeouts(), liveness);
    }

    /** Starts keeping time: one task on the event loop's scheduler, due when something may be. */
    void start() {
        schedule();
    }

    /** Bytes were read, one way or the other: the tunnel is not idle. */
    void touch() {
        lastActivity = System.nanoTime();
    }

    TunnelLiveness liveness() {
        return liveness;
    }

    /** A write toward {@code side} begins; pair with {@link #written}. */
    void writing(Side side) {
        if (writesInFlight[side.ordinal()]++ == 0) {
            lastProgress[side.ordinal()] = System.nanoTime();
        }
    }

    void written(Side side) {
        writesInFlight[side.ordinal()]--;
        progressed(side);
    }

    /** Part of a write toward {@code side} went out: that peer is slow, perhaps, but not stalled. */
    void progressed(Side side) {
        lastProgress[side.ordinal()] = System.nanoTime();
    }

    // tag::tick[]
    /** Idle, stalled writes and heartbeats, whichever falls due first: one timer, nothing in the data path. */
    private void tick() {
        if (ended != null) {
            return;
        }
        long now = System.nanoTime();
        TunnelWatch.Ending ending = watch.check(now, lastActivity, this::stalledFor);
        if (ending != null) {
            if (ending.dead() == null) {
                end(ending.reason());
            } else {
                die(ending.dead(), ending.reason());
            }
            return;
        }
        if (liveness != null) {
            for (Side side : Side.values()) {
                ByteBuffer ping = liveness.pingIfDue(side);
                if (ping != null) {
                    write(side, ping);
                }
            }
        }
        schedule();
    }
    // end::tick[]

    /** Writes one of the gateway's own frames toward {@code side}, tracked like any other write. */
    void write(Side side, ByteBuffer frame) {
        writing(side);
        leg(side).writeAndFlush(Unpooled.wrappedBuffer(frame)).addListener(f -> {
            written(side);
            if (!f.isSuccess()) {
                failed(leg(side), f.cause()); // and why: a kernel that gave up is a death, not a reset
            }
        });
    }

    private void schedule() {
        long now = System.nanoTime();
        long next = watch.nextCheck(now, lastActivity, this::stalledFor);
        tick = client.eventLoop().schedule(this::tick, Math.max(1_000_000, next - now), TimeUnit.NANOSECONDS);
    }

    private long stalledFor(Side side, long now) {
        return writesInFlight[side.ordinal()] == 0 ? 0 : now - lastProgress[side.ordinal()];
    }

    // tag::die[]
    /** {@code dead} stopped answering, taking bytes, or being there at all: in ping mode the other side hears 1001. */
    private void die(Side dead, CloseReason reason) {
        ByteBuffer close = liveness == null ? null : liveness.closeAfterDeath(dead);
        end(reason, dead, dead == Side.BACKEND ? close : null, dead == Side.CLIENT ? close : null);
    }

    /** A frame RFC 6455 forbids: its sender gets 1002, the other side 1001, then both close. */
    void protocolError(Side offender, FrameException e) {
        end(CloseReason.PROTOCOL_ERROR, null,
                liveness.closeAfterProtocolError(Side.CLIENT, offender, e),
                liveness.closeAfterProtocolError(Side.BACKEND, offender, e));
    }

    /** A dead leg is aborted; a live one gets its Close frame, if any, and then FIN, or is closed at once. */
    private static void goodbye(Channel leg, boolean dead, ByteBuffer close) {
        if (dead) {
            Ends.abort(leg);
        } else if (close != null && leg.isActive()) {
            leg.writeAndFlush(Unpooled.wrappedBuffer(close)).addListener(ChannelFutureListener.CLOSE);
            ScheduledFuture<?> cutOff = leg.eventLoop().schedule(() -> {
                leg.close(); // a peer that takes nothing does not hold the goodbye up for long
            }, Linger.TIME.toMillis(), TimeUnit.MILLISECONDS);
            leg.closeFuture().addListener(closed -> cutOff.cancel(false));
        } else {
            leg.close();
        }
    }
    // end::die[]

    Channel other(Channel leg) {
        return leg == client ? backend : client;
    }

    Channel leg(Side side) {
        return side == Side.CLIENT ? client : backend;
    }

    boolean isEnded() {
        return ended != null;
    }
}
