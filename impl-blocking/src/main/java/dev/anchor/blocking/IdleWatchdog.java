package dev.anchor.blocking;

import dev.anchor.core.gateway.CloseReason;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Closes tunnels on which nothing moved for the idle timeout. A pump cannot do this itself: it is
 * blocked in a read that only its own peer can end, or in a write that only the other peer can;
 * when one direction has finished and the other is stuck writing, no thread of the tunnel is
 * awake to notice. So one thread for the whole gateway looks at every tunnel a few times per idle
 * period and ends the quiet ones.
 */
// tag::watchdog[]
final class IdleWatchdog implements AutoCloseable {
    private final Set<Tunnel> tunnels = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer;
    private final long idleNanos;

    IdleWatchdog(Duration idle) {
        this.idleNanos = idle.toNanos();
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("anchor-blocking-idle").daemon(true).factory());
        if (idleNanos > 0) {
            long tick = Math.clamp(idle.toMillis() / 4, 10, 1_000);
            timer.scheduleWithFixedDelay(this::sweep, tick, tick, TimeUnit.MILLISECONDS);
        }
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
            if (now - t.lastActivity() >= idleNanos) {
                t.end(CloseReason.IDLE_TIMEOUT);
            }
        }
    }
    // end::watchdog[]

    /** Every tunnel still open, for the gateway to end when it stops. */
    Set<Tunnel> tunnels() {
        return tunnels;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
