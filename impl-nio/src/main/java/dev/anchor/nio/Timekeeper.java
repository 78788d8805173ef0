package dev.anchor.nio;

import java.util.PriorityQueue;

/**
 * The timers of one event loop, ordered by deadline. The loop sleeps in {@code select()} until the
 * earliest one is due, so a thousand pending timeouts cost a thousand small objects and no thread.
 * A cancelled timer stays in the queue until its deadline comes round and is then skipped: cheaper
 * than searching the heap on every cancel, and a timer is cancelled far more often than it fires.
 *
 * <p>Owned by the loop's thread; never touched from another.
 */
// tag::timers[]
final class Timekeeper {
    /** A scheduled task; {@link #cancel()} before it runs and it never will. */
    static final class Timer implements Comparable<Timer> {
        private final long deadline;
        private Runnable task;
        private boolean cancelled;

        private Timer(long deadline, Runnable task) {
            this.deadline = deadline;
            this.task = task;
        }

        void cancel() {
            cancelled = true;
            task = null; // it may wait in the queue until its deadline: do not keep what it would have run
        }

        @Override
        public int compareTo(Timer other) {
            return Long.compare(deadline, other.deadline);
        }
    }

    private final PriorityQueue<Timer> queue = new PriorityQueue<>();

    Timer schedule(long now, long delayNanos, Runnable task) {
        Timer t = new Timer(now + delayNanos, task);
        queue.add(t);
        return t;
    }

    /** Milliseconds until the next timer is due: 0 if one is due now, -1 if there is none. */
    long millisToNext(long now) {
        while (!queue.isEmpty() && queue.peek().cancelled) {
            queue.poll();
        }
        if (queue.isEmpty()) {
            return -1;
        }
        long nanos = queue.peek().deadline - now;
        return nanos <= 0 ? 0 : Math.max(1, (nanos + 999_999) / 1_000_000);
    }

    /** Runs every timer due at {@code now}, earliest first. */
    void runDue(long now) {
        while (!queue.isEmpty() && queue.peek().deadline - now <= 0) {
            Timer t = queue.poll();
            if (!t.cancelled) {
                Runnable task = t.task;
                t.cancel();
                task.run();
            }
        }
    }
    // end::timers[]
}
