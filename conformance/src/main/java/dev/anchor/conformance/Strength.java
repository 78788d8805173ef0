package dev.anchor.conformance;

import java.util.Locale;

/**
 * How binding a rule is, and how far its verdict can be trusted. A required rule fails the build;
 * so does a stochastic one, whose pass rests on a window of time (nothing happened while the test
 * watched) and so may be falsely green, as the Reactive Streams TCK marks its own; an optional
 * rule is graded, not enforced.
 */
public enum Strength {
    REQUIRED,
    STOCHASTIC,
    OPTIONAL;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
