package dev.anchor.core.config;

import java.time.Duration;

/**
 * How long the gateway waits, and for what.
 *
 * @param head      for a client's complete request head, from accept (slow heads get 408)
 * @param connect   for one TCP connect to a backend (then the next backend, finally 504)
 * @param handshake for the backend's response head, from the moment the request was sent (504)
 * @param idle      for any byte in either direction of a tunnel; {@link Duration#ZERO} means never
 * @param write     for a write to make progress: a peer that takes nothing for this long while the
 *                  gateway has bytes for it is treated as dead (a stalled write)
 */
public record Timeouts(Duration head, Duration connect, Duration handshake, Duration idle, Duration write) {
    public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofSeconds(60));

    /** The four handshake and tunnel timeouts, with the default stalled-write timeout. */
    public Timeouts(Duration head, Duration connect, Duration handshake, Duration idle) {
        this(head, connect, handshake, idle, DEFAULT_WRITE);
    }

    private static final Duration DEFAULT_WRITE = Duration.ofSeconds(60);

    public boolean idleEnabled() {
        return !idle.isZero();
    }
}
