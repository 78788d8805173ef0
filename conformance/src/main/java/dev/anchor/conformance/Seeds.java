package dev.anchor.conformance;

import java.util.concurrent.ThreadLocalRandom;
import org.quicktheories.QuickTheory;

/**
 * Seeds for the suite's randomness: fixed with {@code -Danchor.conformance.seed=N} to replay a
 * failure, random otherwise; every test that uses one names it in its failure messages.
 *
 * <p>A property runs under {@link #theory}: QuickTheories draws its cases from the suite's seed and
 * reports it on failure ("Seed was N"), and each case that needs randomness of its own (masks,
 * payloads) draws a case seed as one of its values, so the falsifying example names it too.
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

    /** A property of {@code examples} cases (or the system property's), seeded by {@link #next()}. */
    public static QuickTheory theory(int examples) {
        return QuickTheory.qt().withFixedSeed(next()).withExamples(examples(examples));
    }
}
