package dev.anchor.core.lifecycle;

import dev.anchor.core.gateway.CloseReason;
import dev.anchor.core.gateway.TunnelStats;
import java.time.Duration;
import java.util.Collection;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * When each tunnel is asked to go: one thread of the gateway's own that keeps the times (a drain's
 * spread, a tunnel's lifetime, a removed backend's grace) and, when one comes, calls the tunnel's
 * {@link GoAway}. It decides when; the implementation's tunnel decides nothing and does the I/O.
 */
// tag::departures[]
public final class Departures implements AutoCloseable {
    private final ScheduledThreadPoolExecutor timer;

    public Departures() {
        timer = new ScheduledThreadPoolExecutor(1, Thread.ofPlatform().daemon().name("anchor-departures").factory());
        timer.setRemoveOnCancelPolicy(true); // a lifetime timer per tunnel must not outlive its tunnel
        timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    /**
     * Asks each tunnel to go at a moment of its own, drawn uniformly from {@code [from, from + spread)}
     * after now: a thousand clients told to reconnect in the same millisecond would all come back
     * in the next one.
     */
    public void spread(Collection<TunnelStats> tunnels, Duration from, Duration spread, CloseReason reason,
                       Predicate<TunnelStats> stillDue) {
        for (TunnelStats t : tunnels) {
            at(from.plus(jitter(spread)), () -> {
                if (stillDue.test(t)) {
                    t.goAway(reason);
                }
            });
        }
    }
    // end::departures[]

    /** A moment drawn uniformly from {@code [0, window)}; zero for an empty window. */
    public static Duration jitter(Duration window) {
        long nanos = window.toNanos();
        return nanos <= 0 ? Duration.ZERO : Duration.ofNanos(ThreadLocalRandom.current().nextLong(nanos));
    }

    /** Runs {@code task} on this thread after {@code delay}; a task that fails is logged, and the others go on. */
    public ScheduledFuture<?> at(Duration delay, Runnable task) {
        try {
            return timer.schedule(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    System.getLogger(Departures.class.getName()).log(System.Logger.Level.WARNING, "a departure failed", e);
                }
            }, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            return null; // the gateway is stopping; it closes every tunnel itself
        }
    }

    /** Runs {@code task} every {@code period}, first after {@code period}. */
    public Future<?> every(Duration period, Runnable task) {
        return timer.scheduleWithFixedDelay(task, period.toNanos(), period.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
