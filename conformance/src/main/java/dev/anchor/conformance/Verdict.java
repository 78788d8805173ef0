package dev.anchor.conformance;

import java.util.Locale;

/** The outcome of one rule for one implementation, as the results file and the matrix show it. */
public enum Verdict {
    PASS,
    FAIL,
    /** An optional rule the gateway does not meet. */
    NOT_MET,
    /** Declared unmet by the implementation, with a reason. */
    SKIPPED;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
