package dev.anchor.blocking;

import dev.anchor.core.config.GatewayConfig;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Keeps time for every tunnel: idleness, stalled writes and heartbeats. A relay cannot do this
 * itself: it is blocked in a read that only its own peer can end, or in a write that only the
 * other peer can; when one direction has finished and the other is stuck writing, no thread of
 * the tunnel is awake to notice. So one thread for the whole gateway looks at every tunnel a few
 * times per period and acts on what is due. It never writes to a socket itself: a write can block,
 * and this thread must not. It also keeps the deadlines that a single blocking call must not
 * outlive ({@link #after}): a TLS read, which SO_TIMEOUT bounds only one TCP read at a time.
 */
// tag::timekeeper[]
final class Timekeeper implements AutoCloseable {
    private final Set<Tunnel> tunnels = ConcurrentHashMap.newKeySet();
    private final ScheduledThreadPoolExecutor timer;

    Timekeeper(GatewayConfig config) {
        this.timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().name("anchor-blocking-timekeeper").daemon(true).factory());
        timer.setRemoveOnCancelPolicy(true); // a deadline met leaves the queue at once, not when it would have passed
        long tick = Math.clamp(shortestPeriod(config).toMillis() / 4, 10, 1_000);
        timer.scheduleWithFixedDelay(this::sweep, tick, tick, TimeUnit.MILLISECONDS);
    }

    void watch(Tunnel t) {
        tunnels.add(t);
    }

    void forget(Tunnel t) {
        tunnels.remove(t);
    }

    private void sweep() {
        long now = System.nanoTime();
        for (Tunnel t : tunnels) {
            t.check(now);
        }
    }
    // end::timekeeper[]

    /**
     * Runs {@code expiry} on the timekeeper's thread once {@code millis} have passed, unless the
     * returned future is cancelled first: a deadline that one blocked call must not outlive. Like
     * everything on this thread, {@code expiry} must not block. Once the gateway is stopping it
     * runs nothing: the stop ends every connection itself.
     */
    Future<?> after(long millis, Runnable expiry) {
        try {
            return timer.schedule(expiry, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            return CompletableFuture.completedFuture(null);
        }
    }

    /** The shortest time the timekeeper has to keep: its sweeps come four times as often. */
    private static Duration shortestPeriod(GatewayConfig config) {
        Duration shortest = config.timeouts().write();
        if (config.timeouts().idleEnabled()) {
            shortest = min(shortest, config.timeouts().idle());
        }
        if (config.heartbeat().pings()) {
            for (var leg : new dev.anchor.core.config.HeartbeatConfig.Leg[] {config.heartbeat().client(), config.heartbeat().backend()}) {
                shortest = min(shortest, min(leg.interval(), leg.timeout()));
            }
        }
        return shortest;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    /** Stops sweeping, and returns once a sweep under way has finished: nothing it starts can outlive the stop. */
    @Override
    public void close() {
        timer.shutdownNow();
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!timer.isTerminated() && System.nanoTime() - deadline < 0) {
            try {
                timer.awaitTermination(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true; // restored below: a stop cut short would leave a sweep running
            }
        }
        if (!timer.isTerminated()) {
            System.getLogger(Timekeeper.class.getName()).log(System.Logger.Level.WARNING,
                    "the timekeeper's last sweep is still running 5 s after the stop");
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
