package dev.anchor.netty;

import dev.anchor.core.gateway.ConnectionRegistry;
import dev.anchor.core.gateway.Side;
import dev.anchor.core.gateway.TunnelControl;
import dev.anchor.core.gateway.TunnelEnding;
import dev.anchor.core.gateway.TunnelStats;
import dev.anchor.core.heartbeat.TunnelLiveness;
import dev.anchor.core.heartbeat.TunnelWatch;
import dev.anchor.core.websocket.FrameException;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * A connection pair after 101. A FIN read on one leg becomes a half-close of the other once what
 * was read before it has been written, and the reverse direction keeps flowing; how the tunnel
 * ends otherwise (which leg is aborted, which gets a Close frame before its FIN) is core's
 * {@link TunnelEnding}'s to decide, and this class carries its plans out.
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
    /** Whether each side's FIN has been read, by {@link Side#ordinal()}. */
    private final boolean[] finished = new boolean[2];
    /** Directions whose FIN has not gone out yet. */
    private int directionsOpen = 2;

    /** {@code from} sent FIN: pass it on behind the bytes already read, and close once both did. */
    void finished(Channel from) {
        Side side = sideOf(from);
        if (finished[side.ordinal()]) {
            return;
        }
        finished[side.ordinal()] = true;
        TunnelEnding.LegEnd fin = ending.streamEnded(side);
        if (fin == null) {
            return; // the tunnel has ended meanwhile
        }
        Channel to = other(from);
        if (fin.close() != null) {
            send(side.other(), fin.close());
        }
        ChannelFuture sent = directionsOpen == 1 ? Leg.flushed(to) : Leg.shutdownOutputOnFlush(to);
        sent.addListener((ChannelFutureListener) done -> {
            if (!done.isSuccess()) {
                failed(to, done.cause());
            } else if (--directionsOpen == 0) {
                end(ending.completed()); // the last FIN goes with the close of both legs
            }
        });
    }

    /** Reading from or writing to {@code leg} failed, or it closed under us: the tunnel cannot go on. */
    void failed(Channel leg, Throwable cause) {
        end(gateway.stopping() ? ending.shutdown() : ending.failed(sideOf(leg), cause));
    }

    /** A frame RFC 6455 forbids came from {@code offender}. */
    void protocolError(Side offender, FrameException e) {
        end(ending.protocolError(offender, e));
    }

    /** The gateway is stopping. */
    void shutdown() {
        end(ending.shutdown());
    }

    /** Carries out core's plan for the end of this tunnel; null is a tunnel that already ended. */
    private void end(TunnelEnding.Plan plan) {
        if (plan == null) {
            return;
        }
        if (tick != null) {
            tick.cancel(false);
        }
        registry.tunnelClosed(stats, plan.reason(), plan.dead());
        carryOut(client, plan.client());
        carryOut(backend, plan.backend());
    }

    private static void carryOut(Channel leg, TunnelEnding.LegEnd end) {
        switch (end.action()) {
            case ABORT -> Leg.abort(leg);
            case CLOSE -> leg.close();
            case FINISH, HALF_CLOSE -> ReplyAndLinger.to(leg,
                    end.close() == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(end.close()));
        }
    }
    // end::tunnel[]

    /** Heartbeats and frame scanners; null in off mode. */
    private final TunnelLiveness liveness;
    private final TunnelWatch watch;
    private final TunnelEnding ending;
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
        TunnelControl control = TunnelControl.of(gateway.runtime(), System::nanoTime);
        this.liveness = control.liveness();
        this.watch = control.watch();
        this.ending = control.ending();
    }

    /** Starts keeping time: one task on the event loop's scheduler, due when something may be. */
    void start() {
        schedule(watch.delayUntilNext(System.nanoTime(), lastActivity, this::stalledFor));
        // the lifecycle asks from its own thread; the request comes to this tunnel's event loop
        stats.departWith(reason -> {
            try {
                client.eventLoop().execute(() -> end(ending.goAway(reason)));
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                // the loop is shutting down, and closes every channel itself
            }
        }, liveness != null);
    }

    /** A goodbye the gateway owes (a drain) whose frame boundaries have come; null if none. */
    TunnelEnding.Plan departureIfDue() {
        return ending.departureIfDue();
    }

    /** Carries out a departure; after the bytes in front of it have been relayed, so the Closes follow them. */
    void depart(TunnelEnding.Plan plan) {
        end(plan);
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

    /** The relay stops reading {@code sender} until its write completes (see {@link TunnelLiveness#holding}). */
    void holding(Side sender) {
        if (liveness != null && !ending.ended()) {
            liveness.holding(sender);
        }
    }

    /** The relay reads {@code sender} again. */
    void released(Side sender) {
        if (liveness != null) {
            liveness.released(sender);
        }
    }

    /** Part of a write toward {@code side} went out: that peer is slow, perhaps, but not stalled. */
    void progressed(Side side) {
        lastProgress[side.ordinal()] = System.nanoTime();
    }

    // tag::tick[]
    /** Idle, stalled writes and heartbeats, whichever falls due first: one timer, nothing in the data path. */
    private void tick() {
        schedule(watch.tick(System.nanoTime(), lastActivity, this::stalledFor, this::send, this::end));
    }
    // end::tick[]

    /** Writes one of the gateway's own frames toward {@code side}, tracked like any other write. */
    void send(Side side, ByteBuffer frame) {
        writing(side);
        leg(side).writeAndFlush(Unpooled.wrappedBuffer(frame)).addListener(f -> {
            written(side);
            if (!f.isSuccess()) {
                failed(leg(side), f.cause()); // and why: a kernel that gave up is a death, not a reset
            }
        });
    }

    /** The next look, on the event loop's scheduler: Netty's timekeeping, so no class of ours keeps time here. */
    private void schedule(long delayNanos) {
        if (delayNanos >= 0) {
            tick = client.eventLoop().schedule(this::tick, delayNanos, TimeUnit.NANOSECONDS);
        }
    }

    private long stalledFor(Side side, long now) {
        return writesInFlight[side.ordinal()] == 0 ? 0 : now - lastProgress[side.ordinal()];
    }

    Channel other(Channel leg) {
        return leg == client ? backend : client;
    }

    Channel leg(Side side) {
        return side == Side.CLIENT ? client : backend;
    }

    private Side sideOf(Channel leg) {
        return leg == client ? Side.CLIENT : Side.BACKEND;
    }

    boolean isEnded() {
        return ending.ended();
    }
}
