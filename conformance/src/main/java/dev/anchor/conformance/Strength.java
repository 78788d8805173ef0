package dev.anchor.conformance;

import java.util.Locale;

/**
 * How far a rule's verdict can be trusted. A required rule's pass is exact; a stochastic rule's
 * pass rests on a window of time (nothing happened while the test watched) and so may be falsely
 * green, as the Reactive Streams TCK marks its own. How a broken rule is graded comes from its
 * {@link Basis}.
 */
public enum Strength {
    REQUIRED,
    STOCHASTIC;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
