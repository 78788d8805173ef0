package dev.anchor.core.gateway;

import static dev.anchor.core.Heads.head;
import static dev.anchor.core.Heads.request;
import static dev.anchor.core.Heads.response;
import static dev.anchor.core.Heads.upgrade;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anchor.core.Heads;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.config.ListenTls;
import dev.anchor.core.config.ServerCertificate;
import dev.anchor.core.tls.LocalCa;
import dev.anchor.core.handshake.Answer;
import dev.anchor.core.http.HeadLimits;
import dev.anchor.core.http.HeadParseException;
import dev.anchor.core.http.RequestHead;
import dev.anchor.core.http.ResponseHead;
import dev.anchor.core.http.ResponseHeadParser;
import dev.anchor.core.route.BalancerKind;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The decisions every implementation shares, driven through a runtime built from a configuration. */
class HandshakePolicyTest {
    static final InetSocketAddress CLIENT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 50000);
    static final InetSocketAddress BACKEND_1 = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9001);
    static final InetSocketAddress BACKEND_2 = new InetSocketAddress(InetAddress.getLoopbackAddress(), 9002);

    private final GatewayRuntime runtime = runtime(GatewayConfig.builder());
    private final HandshakePolicy handshakes = runtime.handshakes();

    @Test
    void healthzIsAnsweredOk() {
        Page page = reply(handshakes.onRequest(get("/healthz"), CLIENT));

        assertThat(page.head().status()).isEqualTo(200);
        assertThat(page.head().headers().first("Content-Length")).contains("3");
        assertThat(page.head().headers().all("Connection")).containsExactly("close");
        assertThat(page.body()).isEqualTo("ok\n");
    }

    @Test
    void anOfferToUpgradeToH2cIsIgnoredByAdminPages() {
        // the JDK's HttpClient sends this on every plain-HTTP request: health checkers must still get 200
        Page page = reply(handshakes.onRequest(request(head("GET /healthz HTTP/1.1", "Host: gw",
                "Connection: Upgrade, HTTP2-Settings", "Upgrade: h2c", "HTTP2-Settings: AAMAAABkAAQAAP__")), CLIENT));

        assertThat(page.head().status()).isEqualTo(200);
        assertThat(page.body()).isEqualTo("ok\n");
    }

    @Test
    void headRequestForAnAdminPageGetsTheHeadOnly() {
        Page page = reply(handshakes.onRequest(request(head("HEAD /healthz HTTP/1.1", "Host: gw")), CLIENT));

        assertThat(page.head().headers().first("Content-Length")).contains("3");
        assertThat(page.body()).isEmpty();
    }

    @Test
    void metricsPageIsPrometheusText() {
        Page page = reply(handshakes.onRequest(get("/metrics"), CLIENT));

        assertThat(page.head().headers().first("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(page.body()).contains("anchor_client_connections", "anchor_tunnels", "implementation=\"blocking\"");
    }

    @Test
    void statusPageIsJsonNamingTheImplementation() throws Exception {
        Page page = reply(handshakes.onRequest(get("/status"), CLIENT));
        JsonNode status = new ObjectMapper().readTree(page.body());

        assertThat(page.head().headers().first("Content-Type")).contains("application/json");
        assertThat(status.get("implementation").asText()).isEqualTo("blocking");
        assertThat(status.get("backends")).hasSize(2);
    }

    @Test
    void statusTunnelsPageListsOpenTunnels() throws Exception {
        runtime.connections().tunnelOpened(CLIENT, runtime.router().backends().get(1));
        JsonNode tunnels = new ObjectMapper().readTree(reply(handshakes.onRequest(get("/status/tunnels"), CLIENT)).body());

        assertThat(tunnels).hasSize(1);
        assertThat(tunnels.get(0).get("backend").asText()).isEqualTo("127.0.0.1:9002");
    }

    @Test
    void adminPathsAreNotAnsweredWhenAdminIsDisabled() {
        HandshakePolicy withoutAdmin = runtime(GatewayConfig.builder().admin(false)).handshakes();

        assertThat(reply(withoutAdmin.onRequest(get("/healthz"), CLIENT)).head().status()).isEqualTo(404);
    }

    @Test
    void upgradeToAnAdminPathIsRouted() {
        RequestHead upgradeToHealthz = request(head("GET /healthz HTTP/1.1", "Host: gw",
                "Upgrade: websocket", "Connection: Upgrade"));

        assertThat(reply(handshakes.onRequest(upgradeToHealthz, CLIENT)).head().status()).isEqualTo(404);
    }

    @Test
    void unknownPathIs404() {
        Page page = reply(handshakes.onRequest(get("/nowhere"), CLIENT));

        assertThat(page.head().status()).isEqualTo(404);
        assertThat(page.body()).contains("/nowhere");
    }

    @Test
    void plainGetOnARouteIs426() {
        assertThat(reply(handshakes.onRequest(get("/chat"), CLIENT)).head().status()).isEqualTo(426);
    }

    @Test
    void validUpgradeIsForwardedToTheBalancersCandidates() {
        Decision.Forward forward = forward(handshakes.onRequest(upgrade(), CLIENT));

        assertThat(forward.route().prefix()).isEqualTo("/chat");
        assertThat(forward.candidates()).extracting(b -> b.address()).containsExactly(BACKEND_1, BACKEND_2);
        assertThat(forward(handshakes.onRequest(upgrade(), CLIENT)).candidates()).extracting(b -> b.address())
                .containsExactly(BACKEND_2, BACKEND_1);
    }

    @Test
    void xForwardedProtoSaysWhatTheClientSpokeToTheGateway(@TempDir Path dir) {
        assertThat(forward(handshakes.onRequest(upgrade(), CLIENT)).upstreamHead().headers().all("X-Forwarded-Proto"))
                .containsExactly("http");
        LocalCa ca = LocalCa.create("Anchor test CA", Duration.ofDays(1));
        ca.issue(Duration.ofDays(1), "gw").write(dir.resolve("gw.pem"), dir.resolve("gw.key"));
        try (GatewayRuntime tls = runtime(GatewayConfig.builder().listenTls(new ListenTls(List.of(
                ServerCertificate.pem("listen.tls", dir.resolve("gw.pem"), dir.resolve("gw.key"), null)))))) {
            assertThat(forward(tls.handshakes().onRequest(upgrade(), CLIENT)).upstreamHead().headers().all("X-Forwarded-Proto"))
                    .containsExactly("https");
        }
    }

    @Test
    void forwardCarriesTheUpstreamHeadRenderedAndFreshOnEachCall() {
        Decision.Forward forward = forward(handshakes.onRequest(upgrade("Keep-Alive: 5"), CLIENT));

        assertThat(forward.upstreamHead().headers().first("X-Forwarded-For")).contains("127.0.0.1");
        assertThat(forward.upstreamHead().headers().contains("Keep-Alive")).isFalse();
        String rendered = Heads.text(forward.upstreamHead().render());
        assertThat(drain(forward.head())).isEqualTo(rendered);
        assertThat(drain(forward.head())).isEqualTo(rendered);
    }

    @Test
    void backendsSwitchIsPassedOnAndCounted() {
        Decision.Forward forward = forward(handshakes.onRequest(upgrade(), CLIENT));
        Answer answer = handshakes.onAnswer(forward, response(head("HTTP/1.1 101 Switching Protocols",
                "Upgrade: websocket", "Connection: Upgrade", "Sec-WebSocket-Accept: " + Heads.SAMPLE_ACCEPT)));

        assertThat(answer).isInstanceOf(Answer.Switch.class);
        assertThat(runtime.metrics().scrape())
                .containsPattern("anchor_handshakes_total\\{[^}]*result=\"switched\",status=\"101\"} 1\\.0");
    }

    @Test
    void rejectionsAreCountedByStatus() {
        handshakes.onRequest(get("/nowhere"), CLIENT);
        handshakes.onRequest(get("/nowhere"), CLIENT);

        assertThat(runtime.metrics().scrape())
                .containsPattern("anchor_handshakes_total\\{[^}]*result=\"rejected\",status=\"404\"} 2\\.0");
    }

    @Test
    void connectFailedIs504IfAnyCandidateTimedOut() {
        Page page = page(handshakes.connectFailed(List.of(ConnectFailure.REFUSED, ConnectFailure.TIMED_OUT)));

        assertThat(page.head().status()).isEqualTo(504);
        assertThat(page.body()).contains("refused", "timed_out");
    }

    @Test
    void connectFailedIs503WithRetryAfterWhenEveryCandidateLackedASourcePort() {
        Page page = page(handshakes.connectFailed(List.of(ConnectFailure.NO_CAPACITY, ConnectFailure.NO_SOURCE_PORT)));

        assertThat(page.head().status()).isEqualTo(503);
        assertThat(page.head().headers().first("Retry-After")).contains("5");
        assertThat(page.body()).contains("no free source port");
        assertThat(runtime.metrics().registry().get("anchor.clients.refused").tag("reason", "capacity")
                .counter().count()).isEqualTo(1.0);
    }

    @Test
    void aShortageOfPortsOnOneCandidateAndARefusalOnAnotherIs502() {
        assertThat(page(handshakes.connectFailed(List.of(ConnectFailure.NO_CAPACITY, ConnectFailure.REFUSED))).head().status())
                .isEqualTo(502);
    }

    @Test
    void connectFailedIs502IfNoCandidateTimedOut() {
        assertThat(page(handshakes.connectFailed(List.of(ConnectFailure.REFUSED, ConnectFailure.UNREACHABLE))).head().status())
                .isEqualTo(502);
    }

    @Test
    void malformedRequestGetsTheParsersStatus() {
        assertThat(page(handshakes.malformed(new HeadParseException(431, "too many fields"))).head().status()).isEqualTo(431);
        assertThat(page(handshakes.malformed(new HeadParseException(505, "HTTP/2.0"))).head().status()).isEqualTo(505);
    }

    @Test
    void everyFailureOnTheWayToTheBackendHasItsStatus() {
        assertThat(page(handshakes.headTimedOut()).head().status()).isEqualTo(408);
        assertThat(page(handshakes.handshakeTimedOut(runtime.router().backends().get(0))).head().status()).isEqualTo(504);
        assertThat(page(handshakes.backendClosedEarly()).head().status()).isEqualTo(502);
        assertThat(page(handshakes.badResponse(new HeadParseException(502, "bad"))).head().status()).isEqualTo(502);
    }

    @Test
    void routesNamingTheSameEndpointShareOneBackend() {
        GatewayRuntime shared = new GatewayRuntime("nio", GatewayConfig.builder()
                .route("/a", BalancerKind.ROUND_ROBIN, List.of(BACKEND_1))
                .route("/b", BalancerKind.ROUND_ROBIN, List.of(BACKEND_1, BACKEND_2))
                .build(), NO_PROBE);

        assertThat(shared.router().backends()).hasSize(2);
        assertThat(shared.router().routes().get(0).pool().get(0)).isSameAs(shared.router().routes().get(1).pool().get(0));
    }

    // --- helpers ---

    record Page(ResponseHead head, String body) {
    }

    /** These runtimes open no socket: every pool address is taken as this host's (LocalSourcesTest binds for real). */
    static final dev.anchor.core.capacity.LocalSources.Probe NO_PROBE = address -> { };

    static GatewayRuntime runtime(GatewayConfig.Builder builder) {
        return new GatewayRuntime("blocking",
                builder.route("/chat", BalancerKind.ROUND_ROBIN, List.of(BACKEND_1, BACKEND_2)).build(), NO_PROBE);
    }

    private static RequestHead get(String path) {
        return request(head("GET " + path + " HTTP/1.1", "Host: gw"));
    }

    private static Page reply(Decision d) {
        assertThat(d).isInstanceOf(Decision.Reply.class);
        return page(((Decision.Reply) d).response());
    }

    private static Decision.Forward forward(Decision d) {
        assertThat(d).isInstanceOf(Decision.Forward.class);
        return (Decision.Forward) d;
    }

    private static Page page(ByteBuffer wire) {
        try {
            ResponseHead head = new ResponseHeadParser(HeadLimits.DEFAULT).parse(wire);
            return new Page(head, StandardCharsets.UTF_8.decode(wire).toString());
        } catch (HeadParseException e) {
            throw new AssertionError(e);
        }
    }

    private static String drain(ByteBuffer b) {
        String text = Heads.text(b);
        b.position(b.limit());
        return text;
    }

    @Test
    void metricsAndStatusAnswerOnlyAdminAllowWhileHealthzAnswersAnyone() {
        HandshakePolicy strict = runtime(GatewayConfig.builder()
                .adminAllow(List.of(dev.anchor.core.config.AddressRange.parse("admin.allow", "10.0.0.0/8")))).handshakes();
        InetSocketAddress outsider = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
        InetSocketAddress insider = new InetSocketAddress("10.1.2.3", 40000);

        assertThat(reply(strict.onRequest(get("/metrics"), outsider)).head().status()).isEqualTo(403);
        assertThat(reply(strict.onRequest(get("/status"), outsider)).head().status()).isEqualTo(403);
        assertThat(reply(strict.onRequest(get("/healthz"), outsider)).head().status()).isEqualTo(200);
        assertThat(reply(strict.onRequest(get("/metrics"), insider)).head().status()).isEqualTo(200);
    }

    @Test
    void postDrainFromAdminAllowBeginsADrainAndOutsidersAreRefused() {
        GatewayRuntime gateway = runtime(GatewayConfig.builder()
                .adminAllow(List.of(dev.anchor.core.config.AddressRange.parse("admin.allow", "10.0.0.0/8"))));
        RequestHead post = request(head("POST /drain HTTP/1.1", "Host: gw", "Content-Length: 0"));
        InetSocketAddress outsider = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);

        assertThat(reply(gateway.handshakes().onRequest(post, outsider)).head().status()).isEqualTo(403);
        assertThat(gateway.draining()).isFalse();

        assertThat(reply(gateway.handshakes().onRequest(post, new InetSocketAddress("10.1.2.3", 40000))).head().status())
                .isEqualTo(202);
        assertThat(gateway.draining()).isTrue();
        assertThat(reply(gateway.handshakes().onRequest(get("/healthz"), outsider)).head().status())
                .as("healthz while draining").isEqualTo(503);
        Page refused = reply(gateway.handshakes().onRequest(upgrade(), CLIENT));
        assertThat(refused.head().status()).as("an upgrade while draining").isEqualTo(503);
        assertThat(refused.head().headers().first("Retry-After")).isPresent();
        gateway.close();
    }

    @Test
    void postReloadAnswersWhatChangedOrWhyItWasRefused() {
        RequestHead post = request(head("POST /reload HTTP/1.1", "Host: gw", "Content-Length: 0"));

        Page noFile = reply(runtime.handshakes().onRequest(post, CLIENT));
        assertThat(noFile.head().status()).isEqualTo(409);
        assertThat(noFile.body()).contains("not started from a configuration file");

        runtime.reloadFrom(() -> GatewayConfig.builder().listen(runtime.config().listen())
                .route("/chat", BalancerKind.ROUND_ROBIN, List.of(BACKEND_2)).build());
        Page applied = reply(runtime.handshakes().onRequest(post, CLIENT));
        assertThat(applied.head().status()).isEqualTo(200);
        assertThat(applied.body()).contains("configuration 2 in force").contains("removed [127.0.0.1:9001]");
    }

    @Test
    void aBrowserAskingForTheRootGetsTheStatusPageAndAWebSocketClientItsUpgradeRequired() {
        HandshakePolicy withRoot = runtime(GatewayConfig.builder().route("/", BalancerKind.ROUND_ROBIN, List.of(BACKEND_1)))
                .handshakes();
        Page page = reply(withRoot.onRequest(request(head("GET / HTTP/1.1", "Host: gw",
                "Accept: text/html,application/xhtml+xml;q=0.9")), CLIENT));
        assertThat(page.head().status()).isEqualTo(200);
        assertThat(page.head().headers().first("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(page.body()).contains("<title>Anchor gateway status</title>");

        assertThat(reply(withRoot.onRequest(get("/"), CLIENT)).head().status()).as("no Accept: text/html").isEqualTo(426);
    }

    @Test
    void aDrainPostedByAPageOfAnotherOriginIsRefused() {
        GatewayRuntime gateway = runtime(GatewayConfig.builder());
        RequestHead fromAnotherSite = request(head("POST /drain HTTP/1.1", "Host: 127.0.0.1:8080",
                "Origin: http://example.com", "Content-Length: 0"));
        RequestHead fromItsOwnPage = request(head("POST /drain HTTP/1.1", "Host: 127.0.0.1:8080",
                "Origin: http://127.0.0.1:8080", "Content-Length: 0"));

        assertThat(reply(gateway.handshakes().onRequest(fromAnotherSite, CLIENT)).head().status()).isEqualTo(403);
        assertThat(gateway.draining()).isFalse();
        assertThat(reply(gateway.handshakes().onRequest(fromItsOwnPage, CLIENT)).head().status()).isEqualTo(202);
        assertThat(gateway.draining()).isTrue();
        gateway.close();
    }
}
