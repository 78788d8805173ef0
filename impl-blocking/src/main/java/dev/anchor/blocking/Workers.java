package dev.anchor.blocking;

import dev.anchor.core.config.ThreadKind;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The gateway's threads: virtual by default, platform on request. It counts the ones it has
 * started and not yet seen finish, so that stopping the gateway can wait for every one of them.
 *
 * <p>It counts rather than keeping the threads: a thread is counted before it starts and uncounted
 * as its last act, so a stop that looks at any instant, even while a thread is being started, sees
 * it or sees it finished, and never has to join a thread that has not started yet. A thread that
 * starts another keeps the count above zero until the new one is counted, so {@link #awaitAll}
 * cannot return between the two.
 */
// tag::workers[]
final class Workers {
    private final ThreadFactory factory;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition none = lock.newCondition();
    /** Threads started and not finished; guarded by {@link #lock}. */
    private int running;

    Workers(ThreadKind kind) {
        this.factory = kind == ThreadKind.VIRTUAL
                ? Thread.ofVirtual().name("anchor-blocking-", 0).factory()
                : Thread.ofPlatform().name("anchor-blocking-", 0).daemon(true).factory();
    }

    /** Runs {@code work} on a thread of its own, named after its {@code role}. */
    void start(String role, Runnable work) {
        add(1);
        try {
            Thread t = factory.newThread(() -> {
                try {
                    work.run();
                } finally {
                    add(-1);
                }
            });
            t.setName(t.getName() + "-" + role);
            t.start();
        } catch (RuntimeException | Error e) { // no thread to be had (out of memory, say): it never ran
            add(-1);
            throw e;
        }
    }

    /**
     * Waits for every thread to finish; true if they all did within {@code timeout}. An interrupt
     * does not cut the wait short, since a stop that returns early leaves threads behind: it is
     * remembered and restored on return.
     */
    boolean awaitAll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        lock.lock();
        try {
            while (running > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    none.awaitNanos(left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            return true;
        } finally {
            lock.unlock();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
    // end::workers[]

    int count() {
        lock.lock();
        try {
            return running;
        } finally {
            lock.unlock();
        }
    }

    private void add(int n) {
        lock.lock();
        try {
            running += n;
            if (running == 0) {
                none.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }
}
