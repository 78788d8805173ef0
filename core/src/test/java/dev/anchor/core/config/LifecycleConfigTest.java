package dev.anchor.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The keys of drain, reload, health and tunnel lifetime, and the keys a reload cannot change. */
class LifecycleConfigTest {
    private static final String ROUTES = """
            routes:
              - path: /
                backends: [127.0.0.1:9001]
            """;

    @Test
    void everyLifecycleKeyIsRead() {
        GatewayConfig c = ConfigLoader.parse(ROUTES + """
                drain: {timeout: 20s, spread: 5s}
                reload: {drain-removed: true}
                tunnel: {max-lifetime: 1h}
                health:
                  passive: {down-for: 30s}
                  active: {probe: upgrade, path: /ws, interval: 3s, timeout: 500ms, rise: 4, fall: 5}
                  close-tunnels-on-down: true
                """);

        assertThat(c.drain()).isEqualTo(new DrainConfig(Duration.ofSeconds(20), Duration.ofSeconds(5)));
        assertThat(c.reloadDrainRemoved()).isTrue();
        assertThat(c.tunnelMaxLifetime()).isEqualTo(Duration.ofHours(1));
        assertThat(c.health()).isEqualTo(new HealthConfig(Duration.ofSeconds(30), new HealthConfig.Active(
                HealthConfig.Probe.UPGRADE, "/ws", Duration.ofSeconds(3), Duration.ofMillis(500), 4, 5), true));
    }

    @Test
    void unsetLifecycleKeysTakeTheirDefaults() {
        GatewayConfig c = ConfigLoader.parse(ROUTES);

        assertThat(c.drain()).isEqualTo(DrainConfig.DEFAULT);
        assertThat(c.health()).isEqualTo(HealthConfig.DEFAULT);
        assertThat(c.limitsLifetime()).isFalse();
        assertThat(c.reloadDrainRemoved()).isFalse();
    }

    @Test
    void offTurnsPassiveChecksTheSpreadAndTheLifetimeOff() {
        GatewayConfig c = ConfigLoader.parse(ROUTES + """
                drain: {spread: off}
                tunnel: {max-lifetime: off}
                health: {passive: {down-for: off}}
                """);

        assertThat(c.drain().spread()).isZero();
        assertThat(c.limitsLifetime()).isFalse();
        assertThat(c.health().passive()).isFalse();
    }

    @Test
    void aSpreadAsLongAsTheTimeoutIsRefused() {
        assertThatThrownBy(() -> ConfigLoader.parse(ROUTES + "drain: {timeout: 5s, spread: 5s}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("drain.spread: '5s' is not allowed");
    }

    @Test
    void badHealthValuesNameTheirKey() {
        assertThatThrownBy(() -> ConfigLoader.parse(ROUTES + "health: {active: {probe: http}}"))
                .hasMessageStartingWith("health.active.probe: 'http' is not allowed; expected one of [none, tcp, upgrade]");
        assertThatThrownBy(() -> ConfigLoader.parse(ROUTES + "health: {active: {probe: tcp, rise: 0}}"))
                .hasMessageStartingWith("health.active.rise: '0' is not allowed");
        assertThatThrownBy(() -> ConfigLoader.parse(ROUTES + "health: {active: {probe: upgrade, path: chat}}"))
                .hasMessageStartingWith("health.active.path: 'chat' is not allowed");
        assertThatThrownBy(() -> ConfigLoader.parse(ROUTES + "health: {pasive: {down-for: 1s}}"))
                .hasMessageContaining("did you mean 'passive'");
    }

    @Test
    void aReloadMayChangeRoutesTimeoutsHeartbeatAndHealthButNotWhatIsReadAtStart() {
        GatewayConfig running = ConfigLoader.parse(ROUTES);

        assertThat(running.restartOnlyChange(ConfigLoader.parse("""
                routes: [{path: /chat, backends: [127.0.0.1:9002]}]
                timeouts: {idle: 1m}
                heartbeat: {mode: ping}
                health: {active: {probe: tcp}}
                drain: {timeout: 1m}
                """))).isNull();
        assertThat(running.restartOnlyChange(ConfigLoader.parse(ROUTES + "listen: 127.0.0.1:9999"))).isEqualTo("listen");
        assertThat(running.restartOnlyChange(ConfigLoader.parse(ROUTES + "tunnel: {buffer: 32KiB}"))).isEqualTo("tunnel.buffer");
        assertThat(running.restartOnlyChange(ConfigLoader.parse(ROUTES + "event-loops: 3"))).isEqualTo("event-loops");
        assertThat(running.restartOnlyChange(ConfigLoader.parse(ROUTES + "tcp: {backend: {user-timeout: 5s}}")))
                .isEqualTo("tcp.backend");
        assertThat(running.restartOnlyChange(ConfigLoader.parse(ROUTES
                + "upstream: {source: pool, addresses: [127.0.0.1], ports: 40000-40009}"))).isEqualTo("upstream");
    }
}
