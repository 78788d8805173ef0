package dev.anchor.core.gateway;

import java.net.InetSocketAddress;

/** A running gateway, whichever I/O model it is built on. */
public interface Gateway extends AutoCloseable {

    /** {@code blocking}, {@code nio} or {@code netty}. */
    String implementation();

    /** The address it accepts clients on (the real port when the configuration said 0). */
    InetSocketAddress address();

    /** A snapshot of its connections and tunnels, from its own accounting. */
    GatewayStatus status();

    /** Stops accepting, closes every connection and returns once its threads are done. */
    @Override
    void close();
}
