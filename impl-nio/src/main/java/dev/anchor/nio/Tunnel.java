package dev.anchor.nio;

import dev.anchor.core.gateway.ConnectionRegistry;
import dev.anchor.core.gateway.GatewayRuntime;
import dev.anchor.core.gateway.Side;
import dev.anchor.core.gateway.TunnelControl;
import dev.anchor.core.gateway.TunnelEnding;
import dev.anchor.core.gateway.TunnelStats;
import dev.anchor.core.heartbeat.TunnelLiveness;
import dev.anchor.core.heartbeat.TunnelWatch;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A connection pair after 101, on one event loop: a {@link Relay} per direction, each reading its
 * source only while its destination has nothing queued, so memory per direction is at most one
 * buffer, and none at all while the tunnel is quiet.
 *
 * <p>In ping mode every byte also passes a frame scanner, so that the gateway's Pings go in only
 * between frames and the Pongs to them come out; one timer per tunnel looks after idleness,
 * heartbeats and stalled writes. How the tunnel ends is core's {@link TunnelEnding}'s to decide;
 * this class carries its plans out.
 *
 * <p>Owned by its event loop's thread, like both of its legs: no field here needs a lock.
 */
final class Tunnel implements LegHandler, Stoppable {
    private final EventLoop loop;
    private final Leg client;
    private final Leg backend;
    private final TunnelStats stats;
    private final ConnectionRegistry registry;
    private final Relay upstream;
    private final Relay downstream;
    /** Heartbeats and frame scanners; null in off mode, where the tunnel is a plain byte pipe. */
    private final TunnelLiveness liveness;
    private final TunnelWatch watch;
    private final TunnelEnding ending;
    private Timekeeper.Timer tick;
    private long lastActivity;
    /** Directions whose FIN has not gone out yet. */
    private int directionsOpen = 2;

    Tunnel(EventLoop loop, Leg client, Leg backend, TunnelStats stats, GatewayRuntime runtime) {
        this.loop = loop;
        this.client = client;
        this.backend = backend;
        this.stats = stats;
        this.registry = runtime.connections();
        TunnelControl control = TunnelControl.of(runtime, loop::time);
        this.liveness = control.liveness();
        this.watch = control.watch();
        this.ending = control.ending();
        this.upstream = new Relay(this, loop, Side.CLIENT, client, backend, stats.upstream());
        this.downstream = new Relay(this, loop, Side.BACKEND, backend, client, stats.downstream());
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
        schedule(watch.delayUntilNext(loop.time(), lastActivity, this::stalledFor));
        client.send(switched);
        if (fromBackend.hasRemaining()) {
            downstream.take(fromBackend, null, fromBackend.remaining());
        }
        if (fromClient.hasRemaining()) {
            upstream.take(fromClient, null, fromClient.remaining());
        }
        upstream.resume();
        downstream.resume();
        // from any thread, the lifecycle's request to go comes to this loop, as everything else does
        stats.departWith(reason -> loop.execute(() -> end(ending.goAway(reason))), liveness != null);
    }

    @Override
    public void readable(Leg leg) {
        (leg == client ? upstream : downstream).read();
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
        schedule(watch.tick(loop.time(), lastActivity, this::stalledFor, this::send, this::end));
    }

    private void schedule(long delayNanos) {
        if (delayNanos >= 0) {
            tick = loop.schedule(delayNanos, this::tick);
        }
    }
    // end::tick[]

    private void send(Side toward, ByteBuffer frame) {
        leg(toward).send(frame);
    }

    /**
     * After a read toward {@code toward}: the stream may just have reached a boundary where a
     * goodbye the gateway owes (a drain) or a due Ping can go.
     */
    void pingIfDue(Side toward) {
        if (ending.ended()) {
            return;
        }
        TunnelEnding.Plan leave = ending.departureIfDue();
        if (leave != null) {
            end(leave);
            return;
        }
        ByteBuffer ping = liveness.pingIfDue(toward);
        if (ping != null) {
            send(toward, ping);
        }
    }

    private long stalledFor(Side side, long now) {
        return leg(side).stalledFor(now);
    }

    // tag::end[]
    /** Carries out core's plan for the end of this tunnel; null is a tunnel that already ended. */
    void end(TunnelEnding.Plan plan) {
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

    /** A relay's FIN has gone out; the second one completes the tunnel. */
    void finPassed() {
        if (--directionsOpen == 0) {
            end(ending.completed());
        }
    }

    /** Bytes were read, one way or the other: the tunnel is not idle. */
    void touch() {
        lastActivity = loop.now();
    }

    /** Heartbeats and frame scanners; null in off mode. */
    TunnelLiveness liveness() {
        return liveness;
    }

    TunnelEnding ending() {
        return ending;
    }

    private Leg leg(Side side) {
        return side == Side.CLIENT ? client : backend;
    }

    @Override
    public void stop() {
        end(ending.shutdown());
    }
}
