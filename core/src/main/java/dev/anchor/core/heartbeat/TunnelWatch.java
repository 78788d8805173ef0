package dev.anchor.core.heartbeat;

import dev.anchor.core.config.Timeouts;
import dev.anchor.core.gateway.CloseReason;
import dev.anchor.core.gateway.Side;

/**
 * What a tunnel's timer looks at, in the order the answers win: the idle timeout, a write that
 * has made no progress for {@code timeouts.write}, and the heartbeats. Every implementation asks
 * the same questions at each look; only how it looks differs (a timer on its event loop, or the
 * blocking gateway's watchdog thread), and so does how it measures a leg's stall.
 */
// tag::watch[]
public final class TunnelWatch {
    private final long idleNanos;
    private final long writeNanos;
    private final TunnelLiveness liveness;

    /** Why a tunnel must end now: {@code dead} is the leg found dead, or null when the tunnel is idle. */
    public record Ending(CloseReason reason, Side dead) {
    }

    /** How long the writes waiting toward {@code side} have made no progress at {@code now}; 0 when none wait. */
    @FunctionalInterface
    public interface Stalls {
        long stalledFor(Side side, long now);
    }

    /** @param liveness the tunnel's heartbeats, or null in {@code off} mode */
    public TunnelWatch(Timeouts timeouts, TunnelLiveness liveness) {
        this.idleNanos = timeouts.idleEnabled() ? timeouts.idle().toNanos() : 0;
        this.writeNanos = timeouts.write().toNanos();
        this.liveness = liveness;
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
