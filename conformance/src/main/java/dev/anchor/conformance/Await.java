package dev.anchor.conformance;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Waiting on a condition with a deadline: the suite's only way to wait. */
public final class Await {
    private Await() {
    }

    /** Returns once {@code condition} holds; fails naming {@code what} if it does not within {@code timeout}. */
    public static void until(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 1;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("waited " + timeout.toMillis() + " ms for: " + what);
            }
            pauseMillis(pause);
            pause = Math.min(pause * 2, 20);
        }
    }

    /** As {@link #until}, and says what it saw last when it gives up. */
    public static <T> T until(String what, Duration timeout, Supplier<T> probe, Predicate<T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 1;
        T last = probe.get();
        while (!done.test(last)) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("waited " + timeout.toMillis() + " ms for: " + what + "; last saw " + last);
            }
            pauseMillis(pause);
            pause = Math.min(pause * 2, 20);
            last = probe.get();
        }
        return last;
    }

    private static void pauseMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting", e);
        }
    }
}
