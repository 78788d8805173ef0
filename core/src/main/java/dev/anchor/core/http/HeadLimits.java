package dev.anchor.core.http;

/**
 * Bounds on what the gateway reads before it knows what a connection wants. Past them the head is
 * refused (414 for the request line, 431 for the fields) instead of buffered.
 */
public record HeadLimits(int maxBytes, int maxFields) {
    public static final HeadLimits DEFAULT = new HeadLimits(16 * 1024, 100);

    public HeadLimits {
        if (maxBytes < 64) {
            throw new IllegalArgumentException("maxBytes must be at least 64: " + maxBytes);
        }
        if (maxFields < 1) {
            throw new IllegalArgumentException("maxFields must be at least 1: " + maxFields);
        }
    }
}
