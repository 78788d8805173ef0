package dev.anchor.core.config;

import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import jdk.net.ExtendedSocketOptions;

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

    // tag::keepalive[]
    /**
     * The JDK socket options these settings stand for, to set on a {@code Socket} or a
     * {@code SocketChannel} before it connects (or right after it is accepted). Empty when the
     * system's keepalive setting is kept.
     */
    public Map<SocketOption<?>, Object> socketOptions() {
        if (keepalive == null) {
            return Map.of();
        }
        Map<SocketOption<?>, Object> options = new LinkedHashMap<>();
        options.put(StandardSocketOptions.SO_KEEPALIVE, true);
        options.put(ExtendedSocketOptions.TCP_KEEPIDLE, (int) keepalive.idle().toSeconds());
        options.put(ExtendedSocketOptions.TCP_KEEPINTERVAL, (int) keepalive.interval().toSeconds());
        options.put(ExtendedSocketOptions.TCP_KEEPCOUNT, keepalive.count());
        return options;
    }
    // end::keepalive[]
}
