package dev.anchor.nio;

import java.io.IOException;

/**
 * Who reacts to a leg's events: the dialer while it connects, the handshake until 101, the tunnel after it. Every
 * method runs on the leg's event loop.
 */
interface LegHandler {
    /** The channel has bytes (or EOF) to read. */
    void readable(Leg leg);

    /** Everything queued with {@link Leg#send} has been written. */
    void drained(Leg leg);

    /** A non-blocking connect finished, one way or the other. */
    default void connected(Leg leg, IOException failure) {
        throw new IllegalStateException("not connecting");
    }

    /** A write failed: the peer reset, or went away. */
    void failed(Leg leg, IOException e);
}
