package dev.anchor.core.gateway;

import java.time.Duration;

/**
 * How a gateway closes a connection it has just answered with a refusal. Closing a socket that
 * still has unread input makes the kernel send RST, which can destroy the response before the
 * client reads it (a 431 for a head that was too long, say). So the gateway sends FIN first, then
 * reads and discards for a bounded time and amount, and only then closes.
 */
public final class Linger {
    /** The longest a gateway waits for the client to close after a refusal. */
    public static final Duration TIME = Duration.ofSeconds(2);

    /** The most it reads and discards meanwhile. */
    public static final int BYTES = 1 << 20;

    private Linger() {
    }
}
