package dev.anchor.core.config;

import java.time.Duration;

/**
 * {@code drain}: how the gateway lets its tunnels go when it stops (SIGTERM, {@code POST /drain})
 * or when one must go for another reason (a removed backend, a backend found down, a tunnel past
 * its lifetime).
 *
 * @param timeout how long a drain may take: whatever is still open then is closed, and the process exits
 * @param spread  the window over which the tunnels are told to go, each at a random moment in it,
 *                so that their clients do not all reconnect at once; zero tells them all at once
 */
public record DrainConfig(Duration timeout, Duration spread) {
    public static final DrainConfig DEFAULT = new DrainConfig(Duration.ofSeconds(30), Duration.ofSeconds(10));
}
