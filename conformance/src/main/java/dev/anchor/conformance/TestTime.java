package dev.anchor.conformance;

import java.time.Duration;

/**
 * The suite's deadlines. They bound how long a test waits for something that should happen; a
 * slow machine can stretch them all with {@code -Danchor.conformance.timeScale=3}.
 */
public final class TestTime {
    private static final double SCALE = Double.parseDouble(System.getProperty("anchor.conformance.timeScale", "1"));

    /** How long to wait for something that should happen promptly (a reply, a close). */
    public static final Duration PROMPT = scaled(Duration.ofSeconds(5));

    /** How long to watch for something that must not happen (an early byte). */
    public static final Duration QUIET = scaled(Duration.ofMillis(300));

    private TestTime() {
    }

    /**
     * Spaces out traffic a test generates on purpose (a message every 100 ms). This never waits for
     * the gateway to do something: for that there is {@link Await}.
     */
    public static void pace(Duration gap) {
        java.util.concurrent.locks.LockSupport.parkNanos(gap.toNanos());
    }

    public static Duration scaled(Duration d) {
        return Duration.ofNanos((long) (d.toNanos() * SCALE));
    }
}
