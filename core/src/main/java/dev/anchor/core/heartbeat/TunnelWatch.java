package dev.anchor.core.heartbeat;

import dev.anchor.core.config.Timeouts;
import dev.anchor.core.gateway.CloseReason;
import dev.anchor.core.gateway.Side;
import dev.anchor.core.gateway.TunnelEnding;
import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * What a tunnel's timer looks at, in the order the answers win: the idle timeout, a write that
 * has made no progress for {@code timeouts.write}, and the heartbeats. Every implementation asks
 * the same questions at each look, and gets the same plan for the end; only how it looks differs
 * (a timer on its event loop, or the blocking gateway's timekeeper thread), and so does how it
 * measures a leg's stall.
 */
// tag::watch[]
public final class TunnelWatch {
    /** A timer that fell due a hair early must not spin: it sleeps at least this long. */
    private static final long MIN_SLEEP_NANOS = 1_000_000;

    private final long idleNanos;
    private final long writeNanos;
    private final TunnelLiveness liveness;
    private final TunnelEnding ending;

    /** Why a tunnel must end now: {@code dead} is the leg found dead, or null when the tunnel is idle. */
    public record Ending(CloseReason reason, Side dead) {
    }

    /** How long the writes waiting toward {@code side} have made no progress at {@code now}; 0 when none wait. */
    @FunctionalInterface
    public interface Stalls {
        long stalledFor(Side side, long now);
    }

    /** Where a look by an event loop's timer writes the Pings it found due. */
    @FunctionalInterface
    public interface Pings {
        void send(Side toward, ByteBuffer ping);
    }

    /** @param liveness the tunnel's heartbeats, or null in {@code off} mode */
    public TunnelWatch(Timeouts timeouts, TunnelLiveness liveness, TunnelEnding ending) {
        this.idleNanos = timeouts.idleEnabled() ? timeouts.idle().toNanos() : 0;
        this.writeNanos = timeouts.write().toNanos();
        this.liveness = liveness;
        this.ending = ending;
    }

    /**
     * A look by a timer that writes at once, on the thread that owns both legs: the plan that ends
     * the tunnel if one is due; otherwise null, once the Pings due now (at frame boundaries) have
     * gone to {@code pings}.
     */
    public TunnelEnding.Plan look(long now, long lastActivity, Stalls stalls, Pings pings) {
        TunnelEnding.Plan end = endIfDue(now, lastActivity, stalls);
        if (end == null && liveness != null) {
            for (Side side : Side.values()) {
                ByteBuffer ping = liveness.pingIfDue(side);
                if (ping != null) {
                    pings.send(side, ping);
                }
            }
        }
        return end;
    }

    /**
     * One look of an event loop's timer, start to finish: the tunnel's end goes to {@code end}, or
     * the Pings due go to {@code pings}; returns how long to sleep until the next look, in
     * nanoseconds, or -1 once the tunnel has ended and no look is wanted.
     */
    public long tick(long now, long lastActivity, Stalls stalls, Pings pings, Consumer<TunnelEnding.Plan> end) {
        TunnelEnding.Plan plan = look(now, lastActivity, stalls, pings);
        if (plan != null) {
            end.accept(plan);
            return -1;
        }
        return ending.ended() ? -1 : delayUntilNext(now, lastActivity, stalls);
    }

    /** How long a timer sleeps before its next look: until {@link #nextCheck}, and at least a millisecond. */
    public long delayUntilNext(long now, long lastActivity, Stalls stalls) {
        return Math.max(MIN_SLEEP_NANOS, nextCheck(now, lastActivity, stalls) - now);
    }

    /** The plan that ends the tunnel at {@code now}, or null while it may go on (or has already ended). */
    public TunnelEnding.Plan endIfDue(long now, long lastActivity, Stalls stalls) {
        Ending found = check(now, lastActivity, stalls);
        return found == null ? ending.departureIfDue() : ending.timedOut(found);
    }

    /** What ends the tunnel at {@code now}, or null while it may go on. */
    public Ending check(long now, long lastActivity, Stalls stalls) {
        if (idleNanos > 0 && now - lastActivity >= idleNanos) {
            return new Ending(CloseReason.IDLE_TIMEOUT, null);
        }
        for (Side side : Side.values()) {
            if (stalls.stalledFor(side, now) >= writeNanos) {
                return new Ending(CloseReason.WRITE_STALLED, side);
            }
        }
        Side dead = liveness == null ? null : liveness.dead();
        return dead == null ? null : new Ending(CloseReason.HEARTBEAT, dead);
    }

    /** When {@link #check} or a Ping may next change, for a timer to sleep until then. */
    public long nextCheck(long now, long lastActivity, Stalls stalls) {
        long next = now + writeNanos;
        if (idleNanos > 0) {
            next = Math.min(next, lastActivity + idleNanos);
        }
        if (liveness != null) {
            next = Math.min(next, liveness.nextCheck());
        }
        for (Side side : Side.values()) {
            long stalled = stalls.stalledFor(side, now);
            if (stalled > 0) {
                next = Math.min(next, now + writeNanos - stalled);
            }
        }
        return next;
    }
}
// end::watch[]
