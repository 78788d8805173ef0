package dev.anchor.conformance;

import java.util.Arrays;
import java.util.Locale;

/**
 * Something a rule needs from the gateway beyond relaying WebSockets: a setting it must take or an
 * endpoint it must answer. A target declares the capabilities it has; a rule needing one it lacks
 * is graded UNSUPPORTED, shown and never hidden. The fixture checks every use at run time, so a
 * rule cannot use a capability it does not declare.
 */
public enum Capability {
    HEALTHZ("answers GET /healthz itself, without a backend"),
    STATUS("answers GET /status with Anchor's JSON: connections, tunnels, buffers, capacity"),
    METRICS("answers GET /metrics with Anchor's anchor_ metrics"),
    ADMIN_ALLOW("limits /status and /metrics to the admin.allow address ranges"),
    HEAD_TIMEOUT("a deadline for the whole request head (timeouts.head), answered 408"),
    HEAD_LIMITS("a configurable bound on the request head (limits.head-bytes, limits.head-fields)"),
    IDLE_TIMEOUT("closes a tunnel silent in both directions for timeouts.idle"),
    WRITE_TIMEOUT("drops a peer that takes no byte for timeouts.write"),
    TUNNEL_BUFFER("a configurable bound on the bytes held per tunnel and direction (tunnel.buffer)"),
    HEARTBEAT("follows WebSocket frames and pings quiet legs (heartbeat.mode: ping)"),
    TCP_OPTIONS("sets TCP keepalive and TCP_USER_TIMEOUT per leg (tcp.client, tcp.backend)"),
    SOURCE_POOL("binds upstream sockets to source pairs from its own pool (upstream.source: pool)"),
    DRAIN("drains gracefully when asked (SIGTERM, drain()): drain.timeout, drain.spread, tunnel.max-lifetime"),
    RELOAD("applies a new configuration to new connections without touching live tunnels (SIGHUP, reload())"),
    HEALTH_CHECKS("marks backends down from failed connects and active probes: health.*"),
    TLS("terminates TLS on the client leg (listen.tls)"),
    JAVA_PROVIDER("is a Java GatewayProvider the suite can start in a child JVM inside a network namespace");

    private final String meaning;

    Capability(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }

    /** {@code tunnel-buffer}: how a target file names it. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static Capability ofKey(String key) {
        return Arrays.stream(values()).filter(c -> c.key().equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no capability named '" + key + "'; known: "
                        + String.join(", ", Arrays.stream(values()).map(Capability::key).toList())));
    }
}
