package dev.anchor.conformance.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anchor.conformance.Background;
import dev.anchor.conformance.Conforms;
import dev.anchor.conformance.Fixture;
import dev.anchor.conformance.Rule;
import dev.anchor.conformance.RuleGroup;
import dev.anchor.conformance.Seeds;
import dev.anchor.conformance.Subject;
import dev.anchor.conformance.TestTime;
import dev.anchor.conformance.peers.Blackhole;
import dev.anchor.conformance.peers.Ending;
import dev.anchor.conformance.peers.Frame;
import dev.anchor.conformance.peers.RawClient;
import dev.anchor.conformance.peers.RawResponse;
import dev.anchor.conformance.peers.ScriptedBackend;
import dev.anchor.conformance.peers.WsClient;
import dev.anchor.conformance.peers.WsEvent;
import dev.anchor.core.config.AddressRange;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.config.HeartbeatConfig;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.gateway.GatewayStatus;
import dev.anchor.core.route.BalancerKind;
import dev.anchor.echo.EchoServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The adapter works and the gateway's basics answer: run first, so wiring faults show as such. */
public abstract class SetupRules extends RuleGroup {
    protected SetupRules(Subject subject) {
        super(subject);
    }

    @Test
    @Conforms(Rule.SETUP_01)
    void setup01_startsAndAccepts() throws Exception {
        EchoServer echo = fx.echo();
        Gateway gateway = fx.gateway(echo.address());

        assertThat(gateway.address().getPort()).as("the real listen port").isPositive();
        assertThat(gateway.implementation()).isEqualTo(subject().target().implementation());
        try (RawClient c = Fixture.connect(gateway)) { // on a TLS listener, the handshake completes too
            assertThat(c.remoteAddress()).as("connected to the listen address").isEqualTo(gateway.address());
        }
    }

    @Test
    @Conforms(Rule.SETUP_02)
    void setup02_oneEchoRoundTrip() throws Exception {
        EchoServer echo = fx.echo();
        Gateway gateway = fx.gateway(echo.address());
        WsClient client = fx.ws(gateway, "/echo");

        client.sendText("hello, anchor", true);

        assertThat(client.next()).isEqualTo(new WsEvent.Text("hello, anchor"));
    }

    @Test
    @Conforms(Rule.SETUP_03)
    void setup03_healthzWithoutBackend() throws Exception {
        ScriptedBackend backend = fx.scripted(c -> c.accept());
        Gateway gateway = fx.gateway(backend.address());
        RawClient client = fx.raw(gateway);

        RawResponse r = get(client, "/healthz");
        RawClient jdkStyle = fx.raw(gateway);
        jdkStyle.write("GET /healthz HTTP/1.1\r\nHost: " + jdkStyle.host()
                + "\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n");
        RawResponse offeringH2c = jdkStyle.readResponse();

        assertThat(r.status()).isEqualTo(200);
        assertThat(offeringH2c.status()).as("a health checker offering h2c, as the JDK's HttpClient does").isEqualTo(200);
        assertThat(backend.connections()).as("backend connections").isZero();
    }

    @Test
    @Conforms(Rule.SETUP_04)
    void setup04_statusIsJson() throws Exception {
        Gateway gateway = fx.gateway(fx.echo().address());
        RawClient client = fx.raw(gateway);

        RawResponse r = get(client, "/status");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.field("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode status = new ObjectMapper().readTree(r.body());
        assertThat(status.path("implementation").asText()).isEqualTo(gateway.implementation());
        assertThat(status.path("clientConnections").asInt(-1)).as("this request's own connection").isEqualTo(1);
        assertThat(status.path("tunnels").asInt(-1)).isZero();
    }

    @Test
    @Conforms(Rule.SETUP_05)
    void setup05_metricsInPrometheusFormat() throws Exception {
        Gateway gateway = fx.gateway(fx.echo().address());
        RawClient client = fx.raw(gateway);

        RawResponse r = get(client, "/metrics");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.field("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        assertThat(r.bodyText())
                .contains("# TYPE anchor_client_connections gauge")
                .contains("# TYPE anchor_tunnels gauge")
                .containsPattern("(?m)^anchor_client_connections\\{[^}]*} 1(\\.0)?$");
    }

    @Test
    @Conforms(Rule.SETUP_06)
    void setup06_closeStopsEverything() throws Exception {
        ScriptedBackend backend = fx.scripted(c -> c.accept());
        Gateway gateway = fx.gateway(backend.address());
        RawClient open = fx.raw(gateway);
        open.upgrade("/open");
        var openBackend = backend.awaitConnection(TestTime.PROMPT);
        RawClient halfClosed = fx.raw(gateway);
        halfClosed.upgrade("/half-closed");
        var halfClosedBackend = backend.awaitConnection(TestTime.PROMPT);
        halfClosed.shutdownOutput();
        assertThat(halfClosedBackend.awaitEnd(TestTime.PROMPT)).as("the FIN reached the backend").isEqualTo(Ending.EOF);

        gateway.close();

        assertThat(open.awaitEnd(TestTime.PROMPT)).as("client leg").isNotEqualTo(Ending.OPEN);
        assertThat(openBackend.awaitEnd(TestTime.PROMPT)).as("backend leg").isNotEqualTo(Ending.OPEN);
        assertThat(halfClosed.awaitEnd(TestTime.PROMPT)).as("half-closed tunnel's client leg").isNotEqualTo(Ending.OPEN);
        assertThatThrownBy(() -> new Socket(gateway.address().getAddress(), gateway.address().getPort()).close())
                .isInstanceOf(ConnectException.class);
        assertThat(fx.held(gateway)).as("connections held once close() has returned").isEmpty();
    }

    @Test
    @Conforms(Rule.SETUP_07)
    void setup07_adminPagesAnswerOnlyAdminAllow() throws Exception {
        ScriptedBackend backend = fx.scripted(c -> c.accept());
        Gateway gateway = fx.gateway(fx.config(backend.address())
                .adminAllow(List.of(AddressRange.parse("admin.allow", "127.0.0.1/32")))
                .build());
        InetAddress elsewhere = InetAddress.getByName("127.0.0.2"); // loopback to Linux, outside the range

        assertThat(get(fx.raw(gateway, elsewhere), "/metrics").status()).isEqualTo(403);
        assertThat(get(fx.raw(gateway, elsewhere), "/status").status()).isEqualTo(403);
        assertThat(get(fx.raw(gateway, elsewhere), "/healthz").status()).isEqualTo(200);
        assertThat(get(fx.raw(gateway, InetAddress.getByName("127.0.0.1")), "/metrics").status()).isEqualTo(200);
        assertThat(backend.connections()).isZero();
    }

    // tag::setup-08[]
    @Test
    @Conforms(Rule.SETUP_08)
    void setup08_closeIsSafeAtAnyInstant() throws Exception {
        long seed = Seeds.next();
        Random random = new Random(seed);
        EchoServer echo = fx.echo();
        Blackhole hole = fx.blackhole();
        for (int round = 0; round < 6; round++) {
            GatewayConfig.Builder config = fx.config(echo.address())
                    .route("/hole", BalancerKind.ROUND_ROBIN, List.of(hole.address()));
            if (random.nextBoolean()) {
                HeartbeatConfig.Leg quick = new HeartbeatConfig.Leg(Duration.ofMillis(20), Duration.ofMillis(20));
                config.heartbeat(HeartbeatConfig.Mode.PING, quick, quick).idleTimeout(Duration.ZERO);
            }
            Gateway gateway = fx.gateway(config.build());
            AtomicBoolean stop = new AtomicBoolean();
            List<Future<Void>> load = new ArrayList<>();
            for (int c = 0; c < 6; c++) {
                long clientSeed = random.nextLong();
                load.add(Background.start("load-" + c, () -> churn(gateway, new Random(clientSeed), stop)));
            }
            TestTime.pace(Duration.ofMillis(20 + random.nextInt(200))); // the instant of the close, at random

            long began = System.nanoTime();
            gateway.close();
            Duration took = Duration.ofNanos(System.nanoTime() - began);

            stop.set(true);
            for (Future<Void> f : load) {
                Background.await(f, 2);
            }
            String round_ = "round " + round + " of seed " + seed;
            assertThat(took).as("close() in %s", round_).isLessThan(Duration.ofSeconds(10));
            assertThat(fx.held(gateway)).as("connections held once close() returned, %s", round_).isEmpty();
            assertThatThrownBy(() -> new Socket(gateway.address().getAddress(), gateway.address().getPort()).close())
                    .as("the listen port after close(), %s", round_).isInstanceOf(ConnectException.class);
        }
    }
    // end::setup-08[]

    /** One client's traffic until {@code stop}: whole echoes, resets, abandoned heads, dials that hang. */
    private static Void churn(Gateway gateway, Random random, AtomicBoolean stop) {
        while (!stop.get()) {
            try (RawClient c = Fixture.connect(gateway)) {
                switch (random.nextInt(4)) {
                    case 0 -> {
                        c.upgrade("/");
                        roundTrip(c, Frame.text("hello"));
                        if (random.nextBoolean()) {
                            c.send(Frame.close(1000, ""));
                        }
                    }
                    case 1 -> {
                        c.upgrade("/");
                        c.reset();
                    }
                    case 2 -> c.write("GET / HTTP/1.1\r\nHost: a\r\nUpgr");
                    default -> c.sendUpgrade("/hole");
                }
            } catch (IOException | AssertionError gatewayGone) {
                // the gateway is closing under this client: that is the point
            }
        }
        return null;
    }

    static RawResponse get(RawClient client, String path) throws IOException {
        client.write("GET " + path + " HTTP/1.1\r\nHost: " + client.host() + "\r\n\r\n");
        return client.readResponse();
    }

    static Frame roundTrip(RawClient client, Frame frame) throws IOException {
        client.send(frame);
        return client.readFrame();
    }
}
