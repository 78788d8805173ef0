package dev.anchor.conformance;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Seeds for the suite's randomness: fixed with {@code -Danchor.conformance.seed=N} to replay a
 * failure, random otherwise; every test that uses one names it in its failure messages.
 */
public final class Seeds {
    private static final String FIXED = System.getProperty("anchor.conformance.seed");

    private Seeds() {
    }

    public static long next() {
        return FIXED != null ? Long.parseLong(FIXED) : ThreadLocalRandom.current().nextLong();
    }

    /** How many random cases a property tries: {@code -Danchor.conformance.examples=N}, default {@code fallback}. */
    public static int examples(int fallback) {
        return Integer.getInteger("anchor.conformance.examples", fallback);
    }
}
