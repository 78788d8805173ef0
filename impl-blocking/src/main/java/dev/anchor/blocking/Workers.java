package dev.anchor.blocking;

import dev.anchor.core.config.ThreadKind;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;

/**
 * The gateway's threads: virtual by default, platform on request. It remembers the live ones so
 * that stopping the gateway can wait for every one of them.
 */
final class Workers {
    private final ThreadFactory factory;
    private final Set<Thread> live = ConcurrentHashMap.newKeySet();

    Workers(ThreadKind kind) {
        this.factory = kind == ThreadKind.VIRTUAL
                ? Thread.ofVirtual().name("anchor-blocking-", 0).factory()
                : Thread.ofPlatform().name("anchor-blocking-", 0).daemon(true).factory();
    }

    void start(String role, Runnable work) {
        Thread t = factory.newThread(() -> {
            try {
                work.run();
            } finally {
                live.remove(Thread.currentThread());
            }
        });
        t.setName(t.getName() + "-" + role);
        live.add(t);
        t.start();
    }

    /** Waits for every thread to finish; true if they all did within {@code timeout}. */
    boolean awaitAll(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Thread t : live.toArray(Thread[]::new)) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !t.join(Duration.ofNanos(left))) {
                return false;
            }
        }
        return true;
    }

    int count() {
        return live.size();
    }
}
