package dev.anchor.core.config;

import java.time.Duration;

/**
 * {@code tcp.client} and {@code tcp.backend}: the kernel's own liveness checks on one leg, a second
 * line behind heartbeats.
 *
 * @param keepalive   TCP keepalive probes, or null for the system's setting (off, by default)
 * @param userTimeout TCP_USER_TIMEOUT: how long sent data may stay unacknowledged before the kernel
 *                    gives up on the connection; {@link Duration#ZERO} leaves it unset. Only the
 *                    netty implementation on Linux epoll can set it; the others refuse to start
 *                    with it rather than ignore it.
 */
public record TcpOptions(Keepalive keepalive, Duration userTimeout) {
    public static final TcpOptions DEFAULT = new TcpOptions(null, Duration.ZERO);

    /**
     * @param idle     quiet time before the first probe (TCP_KEEPIDLE)
     * @param interval time between probes (TCP_KEEPINTVL)
     * @param count    unanswered probes before the connection is dropped (TCP_KEEPCNT)
     */
    public record Keepalive(Duration idle, Duration interval, int count) {
    }

    public boolean setsUserTimeout() {
        return !userTimeout.isZero();
    }
}
