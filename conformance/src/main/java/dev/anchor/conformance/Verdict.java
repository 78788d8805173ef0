package dev.anchor.conformance;

import java.util.Locale;

/**
 * The grade of one rule for one target, as Autobahn|Testsuite grades its cases, in the results file
 * and the matrix.
 */
public enum Verdict {
    PASS,
    /** A MUST, or a rule Anchor requires of every gateway, is broken. */
    FAIL,
    /** A SHOULD is not met. */
    NON_STRICT,
    /** The target does not declare a capability the rule needs. */
    UNSUPPORTED,
    /** The RFCs leave the behaviour open: what the target did is recorded. */
    INFORMATIONAL,
    /** Declared unmet by the subject, with a reason, or its precondition is missing on this machine. */
    SKIPPED;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
