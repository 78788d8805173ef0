package dev.anchor.core.config;

import java.time.Duration;
import java.util.Locale;

/**
 * {@code health}: how the gateway decides that a backend endpoint is down, and what it does then.
 *
 * @param downFor           passive checks: a connect that fails or a handshake that times out
 *                          marks the endpoint down for this long (nginx's {@code fail_timeout},
 *                          with its {@code max_fails=1}); zero turns passive checks off
 * @param active            the optional probe every {@code interval}
 * @param closeTunnelsOnDown whether the tunnels of an endpoint marked down are told to go, as
 *                          HAProxy's {@code on-marked-down shutdown-sessions} does, but with a
 *                          Close 1001 at a frame boundary
 */
public record HealthConfig(Duration downFor, Active active, boolean closeTunnelsOnDown) {
    public static final HealthConfig DEFAULT = new HealthConfig(Duration.ofSeconds(10), Active.NONE, false);

    /** What an active probe does. */
    public enum Probe {
        /** No active probe; only passive checks. */
        NONE,
        /** A TCP connect, closed at once. */
        TCP,
        /** A real WebSocket upgrade to {@code path}; only a 101 with the right accept key passes. */
        UPGRADE;

        public String configName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param probe    none, tcp or upgrade
     * @param path     the request target of an upgrade probe
     * @param interval time between two probes of one endpoint
     * @param timeout  how long one probe may take before it counts as failed
     * @param rise     consecutive passes that bring a down endpoint up (HAProxy's {@code rise})
     * @param fall     consecutive failures that take an up endpoint down (HAProxy's {@code fall})
     */
    public record Active(Probe probe, String path, Duration interval, Duration timeout, int rise, int fall) {
        public static final Active NONE = new Active(Probe.NONE, "/", Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 3);

        public boolean enabled() {
            return probe != Probe.NONE;
        }
    }

    public boolean passive() {
        return !downFor.isZero();
    }
}
