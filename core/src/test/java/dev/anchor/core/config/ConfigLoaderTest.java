package dev.anchor.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anchor.core.http.HeadLimits;
import dev.anchor.core.route.BalancerKind;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every key is read; every refusal names the key path and the value it refused. */
class ConfigLoaderTest {
    private static final String ROUTES = """
            routes:
              - path: /
                backends: [127.0.0.1:9001]
            """;

    @Test
    void everyKeyIsRead() throws Exception {
        GatewayConfig c = ConfigLoader.parse("""
                implementation: nio
                listen: 127.0.0.1:0
                limits:
                  head-bytes: 32KiB
                  head-fields: 50
                timeouts:
                  head: 3s
                  connect: 250ms
                  handshake: 2m
                  idle: 1h
                tunnel:
                  buffer: 128KiB
                routes:
                  - path: /chat
                    backends: [127.0.0.1:9001, "[::1]:9002"]
                    balance: least-tunnels
                  - path: /
                    backends:
                      - 127.0.0.1:9003
                    balance: client-hash
                admin:
                  enabled: false
                blocking:
                  threads: platform
                """);

        assertThat(c.implementation()).isEqualTo("nio");
        assertThat(c.listen()).isEqualTo(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
        assertThat(c.head()).isEqualTo(new HeadLimits(32 * 1024, 50));
        assertThat(c.timeouts()).isEqualTo(new Timeouts(
                Duration.ofSeconds(3), Duration.ofMillis(250), Duration.ofMinutes(2), Duration.ofHours(1)));
        assertThat(c.tunnelBuffer()).isEqualTo(128 * 1024);
        assertThat(c.routes()).hasSize(2);
        assertThat(c.routes().get(0).path()).isEqualTo("/chat");
        assertThat(c.routes().get(0).backends()).extracting(Endpoint::text).containsExactly("127.0.0.1:9001", "[::1]:9002");
        assertThat(c.routes().get(0).backends().get(1).address())
                .isEqualTo(new InetSocketAddress(InetAddress.getByName("::1"), 9002));
        assertThat(c.routes().get(0).balance()).isEqualTo(BalancerKind.LEAST_TUNNELS);
        assertThat(c.routes().get(1).path()).isEqualTo("/");
        assertThat(c.routes().get(1).balance()).isEqualTo(BalancerKind.CLIENT_HASH);
        assertThat(c.admin()).isFalse();
        assertThat(c.blockingThreads()).isEqualTo(ThreadKind.PLATFORM);
    }

    @Test
    void unsetKeysTakeTheirDefaults() {
        GatewayConfig c = ConfigLoader.parse(ROUTES);

        assertThat(c.implementation()).isEqualTo("blocking");
        assertThat(c.listen()).isEqualTo(new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080));
        assertThat(c.head()).isEqualTo(HeadLimits.DEFAULT);
        assertThat(c.timeouts()).isEqualTo(Timeouts.DEFAULT);
        assertThat(c.tunnelBuffer()).isEqualTo(16 * 1024);
        assertThat(c.routes().get(0).balance()).isEqualTo(BalancerKind.ROUND_ROBIN);
        assertThat(c.admin()).isTrue();
        assertThat(c.blockingThreads()).isEqualTo(ThreadKind.VIRTUAL);
    }

    @Test
    void idleOffTurnsTheIdleTimeoutOff() {
        assertThat(ConfigLoader.parse(ROUTES + "timeouts: {idle: off}").timeouts().idleEnabled()).isFalse();
        assertThat(ConfigLoader.parse(ROUTES + "timeouts: {idle: false}").timeouts().idleEnabled()).isFalse();
        assertThat(ConfigLoader.parse(ROUTES + "timeouts: {idle: 30s}").timeouts().idle()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void headBytesAndFieldsMayBePlainNumbers() {
        GatewayConfig c = ConfigLoader.parse(ROUTES + "limits: {head-bytes: 2048, head-fields: 7}");

        assertThat(c.head()).isEqualTo(new HeadLimits(2048, 7));
    }

    @Test
    void misspelledKeyIsUnknownAndTheNearestKeyIsSuggested() {
        ConfigException e = error(ROUTES + "timeouts:\n  conect: 5s\n");

        assertThat(e.key()).isEqualTo("timeouts.conect");
        assertThat(e.getMessage()).startsWith("timeouts.conect: unknown key").contains("did you mean 'connect'");
    }

    @Test
    void misspelledTopLevelKeyIsUnknown() {
        ConfigException e = error("rotues: []\n");

        assertThat(e.getMessage()).startsWith("rotues: unknown key").contains("did you mean 'routes'");
    }

    @Test
    void unknownKeyFarFromEveryKnownOneGetsNoSuggestion() {
        ConfigException e = error(ROUTES + "logging: verbose\n");

        assertThat(e.getMessage()).startsWith("logging: unknown key").doesNotContain("did you mean");
    }

    @Test
    void unknownKeyInARouteNamesItsIndex() {
        ConfigException e = error("routes:\n  - path: /\n    backends: [127.0.0.1:9001]\n    balancer: round-robin\n");

        assertThat(e.getMessage()).startsWith("routes[0].balancer: unknown key").contains("did you mean 'balance'");
    }

    @Test
    void backendPortOutOfRangeNamesTheBackendsIndexAndValue() {
        ConfigException e = error("routes:\n  - path: /\n    backends: [127.0.0.1:9001, 'localhost:99999']\n");

        assertThat(e.key()).isEqualTo("routes[0].backends[1]");
        assertThat(e.getMessage()).startsWith("routes[0].backends[1]: 'localhost:99999'");
    }

    @Test
    void backendPortZeroIsRefused() {
        assertThat(error("routes:\n  - path: /\n    backends: ['127.0.0.1:0']\n").getMessage())
                .startsWith("routes[0].backends[0]: '127.0.0.1:0'");
    }

    @Test
    void unbracketedIpv6BackendIsRefused() {
        assertThat(error("routes:\n  - path: /\n    backends: ['::1:9001']\n").getMessage())
                .startsWith("routes[0].backends[0]: '::1:9001'").contains("brackets");
    }

    @Test
    void tunnelBufferInDecimalUnitsIsRefused() {
        ConfigException e = error(ROUTES + "tunnel: {buffer: '10KB'}\n");

        assertThat(e.key()).isEqualTo("tunnel.buffer");
        assertThat(e.getMessage()).startsWith("tunnel.buffer: '10KB'").contains("KiB");
    }

    @Test
    void tunnelBufferOutOfRangeIsRefused() {
        assertThat(error(ROUTES + "tunnel: {buffer: 512B}\n").getMessage()).startsWith("tunnel.buffer: '512B'");
        assertThat(error(ROUTES + "tunnel: {buffer: 32MiB}\n").getMessage()).startsWith("tunnel.buffer: '32MiB'");
    }

    @Test
    void headBytesOutOfRangeIsRefused() {
        assertThat(error(ROUTES + "limits: {head-bytes: 2MiB}\n").getMessage()).startsWith("limits.head-bytes: '2MiB'");
    }

    @Test
    void headFieldsThatAreNotAWholeNumberInRangeAreRefused() {
        assertThat(error(ROUTES + "limits: {head-fields: many}\n").getMessage()).startsWith("limits.head-fields: 'many'");
        assertThat(error(ROUTES + "limits: {head-fields: 0}\n").getMessage()).startsWith("limits.head-fields: '0'");
    }

    @Test
    void malformedDurationIsRefused() {
        ConfigException e = error(ROUTES + "timeouts: {head: 10 seconds}\n");

        assertThat(e.key()).isEqualTo("timeouts.head");
        assertThat(e.getMessage()).startsWith("timeouts.head: '10 seconds'").contains("30s");
    }

    @Test
    void zeroTimeoutIsRefusedUnderItsOwnValue() {
        assertThat(error(ROUTES + "timeouts: {handshake: 0s}\n").getMessage())
                .startsWith("timeouts.handshake: '0s'").contains("1ms to 7d");
    }

    @Test
    void timeoutOverSevenDaysIsRefused() {
        assertThat(error(ROUTES + "timeouts: {idle: 8d}\n").getMessage()).startsWith("timeouts.idle: '8d'");
    }

    @Test
    void unknownImplementationIsRefused() {
        assertThat(error(ROUTES + "implementation: rust\n").getMessage())
                .startsWith("implementation: 'rust'").contains("blocking", "nio", "netty");
    }

    @Test
    void unknownBalancerIsRefused() {
        assertThat(error("routes:\n  - path: /\n    backends: [127.0.0.1:9001]\n    balance: random\n").getMessage())
                .startsWith("routes[0].balance: 'random'").contains("round-robin", "least-tunnels", "client-hash");
    }

    @Test
    void unknownThreadKindIsRefused() {
        assertThat(error(ROUTES + "blocking: {threads: green}\n").getMessage())
                .startsWith("blocking.threads: 'green'").contains("virtual", "platform");
    }

    @Test
    void adminEnabledMustBeTrueOrFalse() {
        assertThat(error(ROUTES + "admin: {enabled: maybe}\n").getMessage()).startsWith("admin.enabled: 'maybe'");
    }

    @Test
    void duplicateRoutePathIsRefused() {
        ConfigException e = error("""
                routes:
                  - path: /chat
                    backends: [127.0.0.1:9001]
                  - path: /chat
                    backends: [127.0.0.1:9002]
                """);

        assertThat(e.key()).isEqualTo("routes[1].path");
        assertThat(e.getMessage()).startsWith("routes[1].path: '/chat'");
    }

    @Test
    void routePathMustStartWithSlash() {
        assertThat(error("routes:\n  - path: chat\n    backends: [127.0.0.1:9001]\n").getMessage())
                .startsWith("routes[0].path: 'chat'");
    }

    @Test
    void routeWithoutPathIsRefused() {
        assertThat(error("routes:\n  - backends: [127.0.0.1:9001]\n").key()).isEqualTo("routes[0].path");
    }

    @Test
    void routeWithoutBackendsIsRefused() {
        assertThat(error("routes:\n  - path: /\n").key()).isEqualTo("routes[0].backends");
        assertThat(error("routes:\n  - path: /\n    backends: []\n").key()).isEqualTo("routes[0].backends");
    }

    @Test
    void noRoutesIsRefused() {
        assertThat(error("listen: 127.0.0.1:8080\n").getMessage()).startsWith("routes: at least one route");
        assertThat(error("routes: []\n").key()).isEqualTo("routes");
    }

    @Test
    void routesThatAreNotAListAreRefused() {
        assertThat(error("routes: /chat\n").getMessage()).startsWith("routes: expected a list, got '/chat'");
    }

    @Test
    void sectionThatIsNotAMappingIsRefused() {
        assertThat(error(ROUTES + "timeouts: 5s\n").getMessage()).startsWith("timeouts: expected a mapping").contains("'5s'");
    }

    @Test
    void listenAsABareIntIsRefused() {
        ConfigException e = error(ROUTES + "listen: 8080\n");

        assertThat(e.key()).isEqualTo("listen");
        assertThat(e.getMessage()).startsWith("listen: '8080'").contains("host:port");
    }

    @Test
    void invalidYamlReportsLineAndColumn() {
        ConfigException e = error("routes:\n  - path: /\n    backends: [127.0.0.1:9001\nadmin: {enabled: true}\n");

        assertThat(e.key()).isEmpty();
        assertThat(e.getMessage()).startsWith("not valid YAML: ").containsPattern("line \\d+, column \\d+");
    }

    @Test
    void emptyConfigurationIsRefused() {
        assertThat(error("").getMessage()).contains("empty");
        assertThat(error("# nothing\n").getMessage()).contains("empty");
    }

    @Test
    void loadPrefixesErrorsWithTheFileName(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("anchor.yaml");
        Files.writeString(file, ROUTES + "tunnel: {buffer: 10KB}\n");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOfSatisfying(ConfigException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo(file + ": tunnel.buffer: '10KB' is not allowed; expected "
                            + ConfigValues.SIZE_FORM);
                    assertThat(e.key()).isEqualTo("tunnel.buffer");
                });
    }

    @Test
    void loadOfAMissingFileSaysSo(@TempDir Path dir) {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("absent.yaml")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("absent.yaml does not exist");
    }

    private static ConfigException error(String yaml) {
        try {
            GatewayConfig c = ConfigLoader.parse(yaml);
            throw new AssertionError("accepted: " + c);
        } catch (ConfigException e) {
            return e;
        }
    }

    @Test
    void eventLoopsAndAdminAllowAreRead() {
        GatewayConfig c = ConfigLoader.parse(ROUTES + "event-loops: 3\nadmin: {allow: [10.0.0.0/8, \"::1/128\"]}");

        assertThat(c.eventLoops()).isEqualTo(3);
        assertThat(c.eventLoopThreads()).isEqualTo(3);
        assertThat(c.adminAllow()).extracting(Object::toString).containsExactly("10.0.0.0/8", "0:0:0:0:0:0:0:1/128");
        assertThat(ConfigLoader.parse(ROUTES).adminAllow()).extracting(Object::toString)
                .containsExactly("127.0.0.0/8", "0:0:0:0:0:0:0:1/128");
        assertThat(ConfigLoader.parse(ROUTES).eventLoopThreads()).isEqualTo(Runtime.getRuntime().availableProcessors());
    }

    @Test
    void aKeyGivenTwiceIsRefused() {
        assertThatThrownBy(() -> ConfigLoader.parse(ROUTES + "listen: 127.0.0.1:1\nlisten: 127.0.0.1:2\n"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("listen");
    }

    @Test
    void aFileThatIsNotUtf8IsSaidPlainly(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path file = dir.resolve("latin1.yaml");
        java.nio.file.Files.write(file, (ROUTES + "# caf\u00e9\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("not UTF-8");
    }

    @Test
    void heartbeatAndTcpOptionsAreRead() {
        GatewayConfig c = ConfigLoader.parse(ROUTES + """
                heartbeat:
                  mode: ping
                  client: {interval: 20s, timeout: 5s}
                  backend: {interval: 45s}
                tcp:
                  client: {keepalive: {idle: 30s, interval: 5s, count: 4}}
                  backend: {user-timeout: 15s}
                timeouts: {write: 20s}
                """);

        assertThat(c.heartbeat().pings()).isTrue();
        assertThat(c.heartbeat().client()).isEqualTo(new HeartbeatConfig.Leg(Duration.ofSeconds(20), Duration.ofSeconds(5)));
        assertThat(c.heartbeat().backend()).isEqualTo(new HeartbeatConfig.Leg(Duration.ofSeconds(45), Duration.ofSeconds(10)));
        assertThat(c.tcpClient().keepalive()).isEqualTo(new TcpOptions.Keepalive(Duration.ofSeconds(30), Duration.ofSeconds(5), 4));
        assertThat(c.tcpClient().setsUserTimeout()).isFalse();
        assertThat(c.tcpBackend().keepalive()).isNull();
        assertThat(c.tcpBackend().userTimeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(c.timeouts().write()).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void heartbeatsAreOffAndTcpUntouchedByDefault() {
        GatewayConfig c = ConfigLoader.parse(ROUTES);
        assertThat(c.heartbeat().pings()).isFalse();
        assertThat(c.tcpClient()).isEqualTo(TcpOptions.DEFAULT);
        assertThat(c.timeouts().write()).isEqualTo(Duration.ofSeconds(60));
        assertThat(ConfigLoader.parse(ROUTES + "heartbeat: {mode: off}").heartbeat().pings()).isFalse();
    }

    @Test
    void badHeartbeatAndTcpValuesNameTheirKeys() {
        assertThatThrownBy(() -> ConfigLoader.parse(ROUTES + "heartbeat: {mode: pong}"))
                .hasMessageStartingWith("heartbeat.mode: 'pong'").hasMessageContaining("[off, ping]");
        assertThatThrownBy(() -> ConfigLoader.parse(ROUTES + "heartbeat: {client: {interval: 0s}}"))
                .hasMessageStartingWith("heartbeat.client.interval: '0s'");
        assertThatThrownBy(() -> ConfigLoader.parse(ROUTES + "tcp: {client: {keepalive: {idle: 1500ms}}}"))
                .hasMessageStartingWith("tcp.client.keepalive.idle: '1500ms'").hasMessageContaining("whole seconds");
        assertThatThrownBy(() -> ConfigLoader.parse(ROUTES + "tcp: {backend: {keepalive: {count: 0}}}"))
                .hasMessageStartingWith("tcp.backend.keepalive.count: '0'");
        assertThatThrownBy(() -> ConfigLoader.parse(ROUTES + "tcp: {frontend: {}}"))
                .hasMessageStartingWith("tcp.frontend: unknown key");
    }

    @Test
    void anImplementationThatCannotSetUserTimeoutRefusesItByKey() {
        GatewayConfig c = ConfigLoader.parse(ROUTES + "tcp: {backend: {user-timeout: 15s}}");
        assertThatThrownBy(() -> c.refuseUserTimeout("nio", "the JDK has no option for it"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("tcp.backend.user-timeout: the nio implementation cannot set TCP_USER_TIMEOUT");
        ConfigLoader.parse(ROUTES).refuseUserTimeout("nio", "no reason needed");
    }
}
