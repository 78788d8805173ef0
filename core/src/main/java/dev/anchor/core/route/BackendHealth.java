package dev.anchor.core.route;

import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * Whether one backend endpoint takes new tunnels. Two kinds of evidence mark it down. Passive: a
 * connect that failed or a handshake that timed out, on a real client's behalf, marks it down for
 * {@code health.passive.down-for}, after which it is tried again (nginx's {@code max_fails=1
 * fail_timeout}). Active: the prober's verdicts, counted as HAProxy counts them: {@code fall}
 * failures in a row take it down, {@code rise} passes in a row bring it back.
 *
 * <p>Read by every handshake, written by handshakes and the prober: thread-safe.
 */
// tag::health[]
public final class BackendHealth {
    /** What a verdict did to the endpoint's state. */
    public enum Change { NONE, WENT_DOWN, CAME_UP }

    private final LongSupplier clock;
    /** When a passive mark runs out, in the clock's nanoseconds; 0 when none holds. One field, so a mark is never half written. */
    private volatile long passiveUntil;
    private boolean activeDown;
    private int passes;
    private int failures;
    private volatile String why = "";

    public BackendHealth(LongSupplier clock) {
        this.clock = clock;
    }

    /** Whether new tunnels may go to this endpoint now. */
    public boolean up() {
        return !activeDown() && !passiveDownNow();
    }

    /** A client's connect or handshake toward it failed: down for {@code downFor}; zero ignores it. */
    public void failedForClient(Duration downFor, String cause) {
        if (downFor.isZero()) {
            return;
        }
        why = cause;
        long until = clock.getAsLong() + downFor.toNanos();
        passiveUntil = until == 0 ? 1 : until;
    }

    /** One active probe's verdict. */
    public synchronized Change probed(boolean passed, int rise, int fall, String cause) {
        if (passed) {
            failures = 0;
            passes++;
            if (activeDown && passes >= rise) {
                activeDown = false;
                return Change.CAME_UP;
            }
            return Change.NONE;
        }
        passes = 0;
        failures++;
        why = cause;
        if (!activeDown && failures >= fall) {
            activeDown = true;
            return Change.WENT_DOWN;
        }
        return Change.NONE;
    }
    // end::health[]

    private synchronized boolean activeDown() {
        return activeDown;
    }

    private boolean passiveDownNow() {
        long until = passiveUntil;
        return until != 0 && clock.getAsLong() - until < 0;
    }

    /**
     * Probes of this endpoint stopped (a reload turned them off, or removed it): what they found no
     * longer holds, and the endpoint starts from up, as at start, rather than staying down for good.
     */
    public synchronized void probesStopped() {
        activeDown = false;
        passes = 0;
        failures = 0;
    }

    /** For /status: {@code up}, or {@code down} and why. */
    public String describe() {
        if (activeDown()) {
            return "down (probe: " + why + ")";
        }
        if (passiveDownNow()) {
            long left = Math.max(0, passiveUntil - clock.getAsLong()) / 1_000_000;
            return String.format(Locale.ROOT, "down (%s; retried in %.1f s)", why, left / 1000.0);
        }
        return "up";
    }

    /** How long until a passive mark runs out, for a Retry-After; zero when none holds. */
    public Duration downFor() {
        long left = passiveUntil - clock.getAsLong();
        return passiveDownNow() && left > 0 ? Duration.ofNanos(left) : Duration.ZERO;
    }
}
