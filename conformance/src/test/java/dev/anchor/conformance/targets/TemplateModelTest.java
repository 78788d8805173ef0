package dev.anchor.conformance.targets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.config.ListenTls;
import dev.anchor.core.config.ServerCertificate;
import dev.anchor.core.route.BalancerKind;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplateModelTest {
    static final InetAddress LO = InetAddress.getLoopbackAddress();

    @Test
    void routesComeLongestPathFirstKeepingTheirIndex() {
        GatewayConfig config = GatewayConfig.builder().listen(new InetSocketAddress(LO, 8080))
                .route("/", BalancerKind.ROUND_ROBIN, List.of(new InetSocketAddress(LO, 9001)))
                .route("/chat", BalancerKind.LEAST_TUNNELS, List.of(new InetSocketAddress(LO, 9002)))
                .build();

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> routes = (List<Map<String, Object>>) TemplateModel.of(config, Path.of("/d"), Map.of()).get("routes");

        assertThat(routes).extracting(r -> r.get("path"), r -> r.get("index"), r -> r.get("root"))
                .containsExactly(org.assertj.core.groups.Tuple.tuple("/chat", 1, false),
                        org.assertj.core.groups.Tuple.tuple("/", 0, true));
        assertThat(routes.get(0)).containsEntry("leastTunnels", true).containsEntry("balance", "least-tunnels");
    }

    @Test
    void durationsComeInMillisecondsAndInSecondsRoundedUp() {
        GatewayConfig config = GatewayConfig.builder().listen(new InetSocketAddress(LO, 8080))
                .route("/", BalancerKind.ROUND_ROBIN, List.of(new InetSocketAddress(LO, 9001)))
                .headTimeout(Duration.ofMillis(1500)).idleTimeout(Duration.ZERO).build();

        @SuppressWarnings("unchecked")
        Map<String, Object> t = (Map<String, Object>) TemplateModel.of(config, Path.of("/d"), Map.of()).get("timeouts");

        assertThat(t).containsEntry("headMs", 1500L).containsEntry("headS", 2L).containsEntry("idleEnabled", false);
    }

    @Test
    void aTlsListenerNamesItsCertificateFiles() {
        GatewayConfig config = GatewayConfig.builder().listen(new InetSocketAddress(LO, 8443))
                .route("/", BalancerKind.ROUND_ROBIN, List.of(new InetSocketAddress(LO, 9001)))
                .listenTls(new ListenTls(List.of(ServerCertificate.pem("listen.tls", Path.of("/certs/a.crt"), Path.of("/certs/a.key"), null),
                        ServerCertificate.pkcs12("listen.tls.certificates[1]", Path.of("/certs/b.p12"), "secret"))))
                .build();

        @SuppressWarnings("unchecked")
        Map<String, Object> tls = (Map<String, Object>) ((Map<String, Object>) TemplateModel.of(config, Path.of("/d"), Map.of())
                .get("listen")).get("tls");

        assertThat(tls).containsEntry("enabled", true);
        assertThat(tls.get("certificates")).isEqualTo(List.of(
                Map.of("index", 0, "certificate", "/certs/a.crt", "key", "/certs/a.key"),
                Map.of("index", 1, "keystore", "/certs/b.p12", "password", "secret")));
    }

    @Test
    void aPlaintextListenerSaysSo() {
        GatewayConfig config = GatewayConfig.builder().listen(new InetSocketAddress(LO, 8080))
                .route("/", BalancerKind.ROUND_ROBIN, List.of(new InetSocketAddress(LO, 9001))).build();

        @SuppressWarnings("unchecked")
        Map<String, Object> listen = (Map<String, Object>) TemplateModel.of(config, Path.of("/d"), Map.of()).get("listen");

        assertThat(listen.get("tls")).isEqualTo(Map.of("enabled", false, "certificates", List.of()));
    }
}
