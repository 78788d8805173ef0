package dev.anchor.core.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anchor.core.capacity.LocalSources;
import dev.anchor.core.config.ConfigException;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.config.HealthConfig;
import dev.anchor.core.config.ListenTls;
import dev.anchor.core.config.ServerCertificate;
import dev.anchor.core.lifecycle.DrainReport;
import dev.anchor.core.route.Backend;
import dev.anchor.core.route.BalancerKind;
import dev.anchor.core.tls.LocalCa;
import dev.anchor.core.tls.ServerTls;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reload and drain as core decides them, without sockets: what a new configuration keeps, and who is asked to go. */
class GatewayRuntimeLifecycleTest {
    private static final LocalSources.Probe NO_PROBE = a -> { };
    private static final InetSocketAddress A = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9001);
    private static final InetSocketAddress B = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9002);
    private static final InetSocketAddress CLIENT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 50000);

    private final GatewayRuntime runtime = new GatewayRuntime("nio", config(A), NO_PROBE);

    @AfterEach
    void close() {
        runtime.close();
    }

    @Test
    void aBackendRemovedAndAddedBackKeepsItsObjectAndItsSlots() {
        Backend a = runtime.router().backends().get(0);

        runtime.reload(config(B));
        assertThat(runtime.router().backends()).extracting(Backend::address).containsExactly(B);
        runtime.reload(config(A, B));

        assertThat(runtime.router().backends().get(0)).as("the same backend, leases and counts").isSameAs(a);
        assertThat(runtime.status().lifecycle().generation()).isEqualTo(3);
    }

    @Test
    void aReloadThatTurnsProbesOffBringsABackendTheyHeldDownBackUp() {
        HealthConfig probing = new HealthConfig(Duration.ZERO, new HealthConfig.Active(HealthConfig.Probe.TCP, "/",
                Duration.ofHours(1), Duration.ofSeconds(1), 2, 1), false);
        runtime.reload(config(A).toBuilder().health(probing).build());
        Backend a = runtime.router().backends().get(0);
        a.health().probed(false, 2, 1, "connect refused");
        assertThat(a.health().up()).isFalse();

        runtime.reload(config(A));

        assertThat(a.health().up()).as("no probe watches it any more").isTrue();
    }

    @Test
    void aRemovedBackendStaysInTheStatusWhileConnectionsToItLive() {
        Backend a = runtime.router().backends().get(0);
        runtime.connections().upstreamOpening(a).orElseThrow();

        runtime.reload(config(B));

        assertThat(runtime.status().backends()).extracting(GatewayStatus.BackendStatus::backend, GatewayStatus.BackendStatus::configured)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("127.0.0.1:9002", true),
                        org.assertj.core.groups.Tuple.tuple("127.0.0.1:9001", false));
    }

    @Test
    void aRefusedReloadKeepsTheConfigurationAndSaysWhy() {
        GatewayConfig before = runtime.config();

        assertThatThrownBy(() -> runtime.reload(config(B).toBuilder().tunnelBuffer(64 * 1024).build()))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("tunnel.buffer: cannot change on reload");

        assertThat(runtime.config()).isSameAs(before);
        GatewayStatus.LifecycleStatus l = runtime.status().lifecycle();
        assertThat(l.generation()).isEqualTo(1);
        assertThat(l.reloadsRefused()).isEqualTo(1);
        assertThat(l.lastRefusal()).startsWith("tunnel.buffer");
        assertThat(runtime.metrics().scrape()).contains("anchor_reloads_total{implementation=\"nio\",result=\"refused\"} 1.0");
    }

    @Test
    void aReloadReadsTheCertificatesAgainAndACertificateThatCannotBeReadIsRefused(@TempDir Path dir) {
        LocalCa ca = LocalCa.create("Anchor test CA", Duration.ofDays(1));
        ca.issue(Duration.ofDays(1), "old.test").write(dir.resolve("site.pem"), dir.resolve("site.key"));
        ListenTls tls = new ListenTls(List.of(ServerCertificate.pem("listen.tls", dir.resolve("site.pem"), dir.resolve("site.key"), null)));
        try (GatewayRuntime secure = new GatewayRuntime("nio", config(A).toBuilder().listenTls(tls).build(), NO_PROBE)) {
            assertThat(secure.tls().certificates()).singleElement().extracting(c -> c.names()).isEqualTo(List.of("old.test"));

            ca.issue(Duration.ofDays(1), "renewed.test").write(dir.resolve("site.pem"), dir.resolve("site.key"));
            secure.reload(config(A).toBuilder().listenTls(tls).build());
            assertThat(secure.tls().certificates()).singleElement().extracting(c -> c.names()).isEqualTo(List.of("renewed.test"));

            ServerTls before = secure.tls();
            ca.issue(Duration.ofDays(1), "other.test").write(dir.resolve("other.pem"), dir.resolve("other.key"));
            ListenTls mismatched = new ListenTls(List.of(ServerCertificate.pem("listen.tls", dir.resolve("site.pem"), dir.resolve("other.key"), null)));
            assertThatThrownBy(() -> secure.reload(config(A).toBuilder().listenTls(mismatched).build()))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("the private key does not belong to the first certificate");
            assertThat(secure.tls()).isSameAs(before);
            assertThat(secure.status().lifecycle().lastRefusal()).startsWith("listen.tls.key");
        }
    }

    @Test
    void aFileThatFailsValidationIsRefusedAndCounted() {
        runtime.reloadFrom(() -> {
            throw new ConfigException("routes[0].path", "'chat' is not allowed");
        });

        assertThatThrownBy(runtime::reload).hasMessageStartingWith("routes[0].path");
        assertThat(runtime.status().lifecycle().reloadsRefused()).isEqualTo(1);
    }

    @Test
    void aDrainAsksEveryTunnelToGoAndTurnsNewUpgradesAway() throws Exception {
        CompletableFuture<CloseReason> asked = new CompletableFuture<>();
        TunnelStats open = runtime.connections().tunnelOpened(CLIENT, runtime.router().backends().get(0));
        open.departWith(asked::complete, true);

        var drained = runtime.drain();
        assertThat(runtime.draining()).isTrue();
        assertThat(runtime.metrics().scrape()).contains("anchor_draining{implementation=\"nio\"} 1.0");

        // the spread is zero here: the tunnel is asked at once, from the lifecycle's thread
        assertThat(asked.get(5, TimeUnit.SECONDS)).isEqualTo(CloseReason.DRAINED);
        runtime.connections().tunnelClosed(open, CloseReason.DRAINED);

        DrainReport report = drained.get(5, TimeUnit.SECONDS);
        assertThat(report.tunnelsAtStart()).isEqualTo(1);
        assertThat(report.leftAtDeadline()).isZero();
        assertThat(runtime.drain()).as("once").isSameAs(drained);
    }

    private static GatewayConfig config(InetSocketAddress... backends) {
        return GatewayConfig.builder().listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .route("/", BalancerKind.ROUND_ROBIN, List.of(backends))
                .drain(Duration.ofSeconds(10), Duration.ZERO)
                .build();
    }
}
