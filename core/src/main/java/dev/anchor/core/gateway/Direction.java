package dev.anchor.core.gateway;

/** The two directions of a tunnel; the {@code direction} label of the byte counters. */
public enum Direction {
    /** Client to backend. */
    UPSTREAM("upstream"),
    /** Backend to client. */
    DOWNSTREAM("downstream");

    private final String label;

    Direction(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
