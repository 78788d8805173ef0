package dev.anchor.conformance;

/** How binding a rule is: a required rule fails the build; an optional one is graded, not enforced. */
public enum Strength {
    REQUIRED,
    OPTIONAL;

    public String label() {
        return this == REQUIRED ? "required" : "optional";
    }
}
