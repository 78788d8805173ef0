package dev.anchor.conformance;

import java.util.Locale;

/**
 * What a rule rests on, and so how a gateway that breaks it is graded: an RFC's MUST (FAIL), an
 * RFC's SHOULD (NON-STRICT), a choice of Anchor's own that it holds every gateway to (FAIL), or a
 * behaviour the RFCs leave open (INFORMATIONAL: what the gateway did is recorded, not judged).
 * Anchor's own implementations are held to every rule whatever its basis.
 *
 * @param source the RFC section, or the reason for the design choice
 */
public record Basis(Kind kind, String source) {
    public enum Kind {
        MUST, SHOULD, REQUIRED_DESIGN, OPEN;

        public String label() {
            return this == REQUIRED_DESIGN ? "design (required)"
                    : this == OPEN ? "open (design)" : name().toLowerCase(Locale.ROOT);
        }
    }

    public static Basis must(String source) {
        return new Basis(Kind.MUST, source);
    }

    public static Basis should(String source) {
        return new Basis(Kind.SHOULD, source);
    }

    /** A choice of Anchor's that any gateway doing this job must make the same way. */
    public static Basis design(String why) {
        return new Basis(Kind.REQUIRED_DESIGN, why);
    }

    /** A choice of Anchor's where the RFCs allow others: another gateway's choice is recorded. */
    public static Basis open(String why) {
        return new Basis(Kind.OPEN, why);
    }

    /** The grade of a gateway that does not do what the rule says. */
    public Verdict whenBroken() {
        return switch (kind) {
            case MUST, REQUIRED_DESIGN -> Verdict.FAIL;
            case SHOULD -> Verdict.NON_STRICT;
            case OPEN -> Verdict.INFORMATIONAL;
        };
    }

    public String text() {
        return kind.label() + ": " + source;
    }
}
