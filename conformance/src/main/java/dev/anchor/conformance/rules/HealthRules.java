package dev.anchor.conformance.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anchor.conformance.Await;
import dev.anchor.conformance.Conforms;
import dev.anchor.conformance.Rule;
import dev.anchor.conformance.RuleGroup;
import dev.anchor.conformance.Subject;
import dev.anchor.conformance.TestTime;
import dev.anchor.conformance.peers.BackendConnection;
import dev.anchor.conformance.peers.RawClient;
import dev.anchor.conformance.peers.RawResponse;
import dev.anchor.conformance.peers.ScriptedBackend;
import dev.anchor.core.config.Endpoint;
import dev.anchor.core.config.HealthConfig;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.gateway.GatewayStatus;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Backend health: a backend that failed a client is left alone for a while, one that fails its
 * probes is taken out and put back as HAProxy counts them, and a route whose backends are all down
 * answers at once instead of making every client wait out a connect timeout.
 */
public abstract class HealthRules extends RuleGroup {
    /** Long enough never to run out within a test. */
    static final Duration LONG = Duration.ofMinutes(10);
    static final Duration INTERVAL = TestTime.scaled(Duration.ofMillis(100));

    protected HealthRules(Subject subject) {
        super(subject);
    }

    // tag::health-01[]
    @Test
    @Conforms(Rule.HEALTH_01)
    void health01_aBackendThatFailedIsLeftAlone() throws Exception {
        InetSocketAddress a = fx.refusing();
        ScriptedBackend b = fx.scripted(BackendConnection::accept);
        Gateway gateway = fx.gateway(fx.config(a, b.address()).health(passive(LONG)).build());
        // round robin tries a first for one of two clients: refused, so b serves both, and a is down
        fx.raw(gateway).upgrade("/");
        fx.raw(gateway).upgrade("/");

        // a comes back, but it is marked down for health.passive.down-for: no client is sent there
        ScriptedBackend back = fx.scripted(BackendConnection::accept, a);
        for (int i = 0; i < 6; i++) {
            fx.raw(gateway).upgrade("/");
        }
        assertThat(back.connections()).as("connections to the backend marked down").isZero();
        assertThat(b.connections()).as("the other backend serves every client").isEqualTo(8);
    }
    // end::health-01[]

    @Test
    @Conforms(Rule.HEALTH_02)
    void health02_allDownIsAnsweredAtOnce() throws Exception {
        InetSocketAddress a = fx.refusing();
        Gateway gateway = fx.gateway(fx.config(a).health(passive(LONG)).build());
        RawClient first = fx.raw(gateway);
        first.sendUpgrade("/");
        assertThat(first.readResponseHead().status()).as("the connect that found it down").isEqualTo(502);

        ScriptedBackend back = fx.scripted(BackendConnection::accept, a);
        RawClient next = fx.raw(gateway);
        next.sendUpgrade("/");
        RawResponse refused = next.readResponseHead();
        assertThat(refused.status()).as("every backend down").isEqualTo(503);
        assertThat(refused.field("Retry-After")).as("Retry-After").isPresent();
        assertThat(back.connections()).as("connections attempted to a backend marked down").isZero();
    }

    @Test
    @Conforms(Rule.HEALTH_03)
    void health03_probesTakeABackendOutAndPutItBack() throws Exception {
        ScriptedBackend a = fx.scripted(BackendConnection::accept);
        InetSocketAddress at = a.address();
        ScriptedBackend b = fx.scripted(BackendConnection::accept);
        Gateway gateway = fx.gateway(fx.config(at, b.address())
                .health(active(HealthConfig.Probe.TCP, "/", 2, 2)).build());

        a.close();
        awaitUp(gateway, at, false);
        for (int i = 0; i < 4; i++) {
            fx.raw(gateway).upgrade("/");
        }
        // the gateway's own count: the probes connect to the backends too
        assertThat(backend(gateway, b.address()).connections()).as("the backend that is up serves every client").isEqualTo(4);

        ScriptedBackend back = fx.scripted(BackendConnection::accept, at);
        awaitUp(gateway, at, true);
        for (int i = 0; i < 4; i++) {
            fx.raw(gateway).upgrade("/");
        }
        assertThat(backend(gateway, at).connections()).as("the backend back up takes its share again").isGreaterThan(0);
    }

    @Test
    @Conforms(Rule.HEALTH_04)
    void health04_anUpgradeProbeWantsARealSwitch() throws Exception {
        ScriptedBackend refuses = fx.scripted(c -> {
            c.readRequest();
            c.write("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            c.close();
        });
        ScriptedBackend switches = fx.scripted(BackendConnection::accept);
        Gateway gateway = fx.gateway(fx.config(refuses.address(), switches.address())
                .health(active(HealthConfig.Probe.UPGRADE, "/health", 1, 2)).build());

        BackendConnection probe = refuses.awaitConnection(TestTime.PROMPT);
        Await.until("the probe's request", TestTime.PROMPT, () -> probe.request() != null);
        assertThat(probe.request().target()).isEqualTo("/health");
        assertThat(probe.request().field("Upgrade")).hasValueSatisfying(v -> assertThat(v).containsIgnoringCase("websocket"));
        awaitUp(gateway, refuses.address(), false);
        assertThat(backend(gateway, switches.address()).up()).as("the backend that switches stays up").isTrue();
    }

    @Test
    @Conforms(Rule.HEALTH_05)
    void health05_aBackendMarkedDownLosesItsTunnelsWithAClose() throws Exception {
        ScriptedBackend a = fx.scripted(BackendConnection::accept);
        Gateway gateway = fx.gateway(DrainRules.quietPings(fx.config(a.address()))
                .drain(TestTime.scaled(Duration.ofSeconds(5)), Duration.ZERO)
                .health(new HealthConfig(LONG, probing(HealthConfig.Probe.TCP, "/", 1, 1), true)).build());
        RawClient client = fx.raw(gateway);
        client.upgrade("/");
        BackendConnection backend = a.awaitRequest(TestTime.PROMPT); // the probes connect too

        a.stopListening(); // the tunnel's own connection stays
        assertThat(DrainRules.goodbye(client, "client").closeCode()).isEqualTo(1001);
        assertThat(DrainRules.goodbye(backend, "backend").closeCode()).isEqualTo(1001);
    }

    // --- helpers -----------------------------------------------------------------------------

    static HealthConfig passive(Duration downFor) {
        return new HealthConfig(downFor, HealthConfig.Active.NONE, false);
    }

    static HealthConfig active(HealthConfig.Probe probe, String path, int rise, int fall) {
        return new HealthConfig(LONG, probing(probe, path, rise, fall), false);
    }

    static HealthConfig.Active probing(HealthConfig.Probe probe, String path, int rise, int fall) {
        return new HealthConfig.Active(probe, path, INTERVAL, INTERVAL.multipliedBy(5), rise, fall);
    }

    static GatewayStatus.BackendStatus backend(Gateway gateway, InetSocketAddress address) {
        String name = Endpoint.of(address).text();
        return gateway.status().backends().stream().filter(s -> s.backend().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no backend " + name + " in the status"));
    }

    static void awaitUp(Gateway gateway, InetSocketAddress address, boolean up) {
        Await.until("backend " + address + " to be " + (up ? "up" : "down"), TestTime.PROMPT,
                () -> backend(gateway, address), s -> s.up() == up);
    }
}
