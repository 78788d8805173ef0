package dev.anchor.conformance.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anchor.conformance.Background;
import dev.anchor.conformance.Conforms;
import dev.anchor.conformance.Fixture;
import dev.anchor.conformance.Rule;
import dev.anchor.conformance.RuleGroup;
import dev.anchor.conformance.Subject;
import dev.anchor.conformance.TestTime;
import dev.anchor.conformance.peers.BackendConnection;
import dev.anchor.conformance.peers.ClientTls;
import dev.anchor.conformance.peers.Connection;
import dev.anchor.conformance.peers.Ending;
import dev.anchor.conformance.peers.Frame;
import dev.anchor.conformance.peers.HttpText;
import dev.anchor.conformance.peers.RawClient;
import dev.anchor.conformance.peers.ScriptedBackend;
import dev.anchor.conformance.peers.TlsHello;
import dev.anchor.conformance.tls.RunCa;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.route.BalancerKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

/**
 * TLS on the client leg: what a TLS listener does with clients that do not speak TLS, that never
 * finish a handshake, that offer what nobody should accept, or that name a server; and that it
 * ends every TLS stream it ends gracefully with close_notify. These run where the client leg is
 * TLS (a target's TLS variant, {@link dev.anchor.conformance.ClientLeg#TLS}), and the clients that
 * must not speak TLS, or must speak it their own way, are made here on purpose.
 */
public abstract class TlsRules extends RuleGroup {
    /** How much later than a deadline a close may come. */
    static final Duration SLACK = TestTime.scaled(Duration.ofSeconds(1));

    protected TlsRules(Subject subject) {
        super(subject);
    }

    @Test
    @Conforms(Rule.TLS_01)
    void tls01_clearTextToATlsListenerIsClosed() throws Exception {
        ScriptedBackend backend = fx.scripted(BackendConnection::accept);
        Gateway gateway = fx.gateway(backend.address());
        RawClient clear = fx.plain(gateway);
        long sent = System.nanoTime();

        clear.write(HttpText.upgradeRequest("/", clear.host(), HttpText.newKey()));
        Connection.Received r = clear.readToEnd(Fixture.HEAD_TIMEOUT.plus(SLACK));

        assertThat(r.ending()).as("the connection %d ms after an upgrade in clear, with timeouts.head at %d ms",
                (System.nanoTime() - sent) / 1_000_000, Fixture.HEAD_TIMEOUT.toMillis()).isNotEqualTo(Ending.OPEN);
        assertThat(new String(r.data(), StandardCharsets.ISO_8859_1)).as("what the gateway sent back in clear")
                .doesNotContain("101 Switching");
        assertThat(backend.connections()).as("backend connections for a client in clear").isZero();
    }

    // tag::tls-02[]
    @Test
    @Conforms(Rule.TLS_02)
    void tls02_aHandshakeNeverFinishedEndsAtTheHeadDeadline() throws Exception {
        Duration head = TestTime.scaled(Duration.ofMillis(600));
        ScriptedBackend backend = fx.scripted(BackendConnection::accept);
        Gateway gateway = fx.gateway(fx.config(backend.address()).headTimeout(head).build());
        byte[] hello = TlsHello.clientHello(TlsHello.TLS_1_2, TlsHello.CURRENT_SUITES, null);
        long began = System.nanoTime();

        Map<String, RawClient> clients = new LinkedHashMap<>();
        clients.put("a client that sends nothing", fx.plain(gateway));
        RawClient partial = fx.plain(gateway);
        partial.write(Arrays.copyOf(hello, 40)); // the record header and part of the hello, then nothing
        clients.put("a client that sends 40 bytes of its ClientHello", partial);
        RawClient trickling = fx.plain(gateway);
        AtomicBoolean stop = new AtomicBoolean();
        Future<Void> trickle = Background.start("trickle", () -> {
            try {
                for (int i = 0; i < hello.length && !stop.get(); i++) {
                    trickling.write(new byte[] {hello[i]}); // a byte every 100 ms: a per-read timeout never fires
                    TestTime.pace(Duration.ofMillis(100));
                }
            } catch (IOException closedByGateway) {
                // what the rule asks for
            }
            return null;
        });
        clients.put("a client that trickles its ClientHello a byte per 100 ms", trickling);

        try {
            for (Map.Entry<String, RawClient> c : clients.entrySet()) {
                Duration left = head.plus(SLACK).minusNanos(System.nanoTime() - began);
                Ending end = c.getValue().awaitEnd(left.isNegative() ? Duration.ofMillis(1) : left);
                assertThat(end).as("%s, %d ms after it connected, with timeouts.head at %d ms", c.getKey(),
                        (System.nanoTime() - began) / 1_000_000, head.toMillis()).isNotEqualTo(Ending.OPEN);
            }
        } finally {
            stop.set(true);
            Background.await(trickle);
        }
        assertThat(backend.connections()).isZero();
    }
    // end::tls-02[]

    @Test
    @Conforms(Rule.TLS_03)
    void tls03_oldVersionsAndBrokenSuitesAreRefused() throws Exception {
        ScriptedBackend backend = fx.scripted(BackendConnection::accept);
        Gateway gateway = fx.gateway(backend.address());

        // the hellos are made by hand, so first the same making, for TLS 1.2 and current suites, must be answered
        TlsHello.Answer current = TlsHello.ask(fx.plain(gateway),
                TlsHello.clientHello(TlsHello.TLS_1_2, TlsHello.CURRENT_SUITES, null));
        assertThat(current.kind()).as("the answer to a TLS 1.2 hello with current suites: %s", current)
                .isEqualTo(TlsHello.Answer.Kind.SERVER_HELLO);
        assertThat(current.version()).as("the version chosen for it").isEqualTo(TlsHello.TLS_1_2);

        for (int version : new int[] {TlsHello.TLS_1_1, TlsHello.TLS_1_0}) {
            TlsHello.Answer old = TlsHello.ask(fx.plain(gateway), TlsHello.clientHello(version, TlsHello.LEGACY_SUITES, null));
            assertThat(old.refused()).as("a hello offering TLS 1.%d at most got %s", (version & 0xff) - 1, old).isTrue();
        }
        TlsHello.Answer broken = TlsHello.ask(fx.plain(gateway),
                TlsHello.clientHello(TlsHello.TLS_1_2, TlsHello.REFUSED_SUITES, null));
        assertThat(broken.refused()).as("a TLS 1.2 hello offering only anonymous, NULL and RC4 suites got %s", broken).isTrue();
        assertThat(backend.connections()).isZero();
    }

    @Test
    @Conforms(Rule.TLS_04)
    void tls04_sniChoosesTheCertificate() throws Exception {
        ScriptedBackend backend = fx.scripted(c -> {
            c.accept();
            c.echoFrames();
        });
        Gateway gateway = fx.gateway(fx.config()
                .route("/", BalancerKind.ROUND_ROBIN, List.of(backend.address()))
                .listenTls(RunCa.get().listen("a.test", "b.test"))
                .build());
        SSLContext trust = RunCa.get().clientContext();

        assertThat(presented(gateway, "b.test")).as("the names of the certificate for SNI b.test").contains("b.test");
        assertThat(presented(gateway, "a.test")).as("the names of the certificate for SNI a.test").contains("a.test");
        assertThat(presented(gateway, null)).as("the names of the certificate for a client that sends no SNI (the first)")
                .contains("a.test");
        assertThat(presented(gateway, "c.test")).as("the names of the certificate for SNI no certificate carries (the first)")
                .contains("a.test");

        // and a client that checks the name it asked for has a working tunnel through it
        RawClient checking;
        try {
            checking = fx.tls(gateway, ClientTls.naming(trust, "b.test"));
        } catch (SSLException refused) {
            throw new AssertionError("a client asking for b.test, and checking the certificate carries it, "
                    + "could not complete its handshake: " + refused.getMessage(), refused);
        }
        checking.upgrade("/");
        assertThat(SetupRules.roundTrip(checking, Frame.text("to b.test"))).isEqualTo(Frame.text("to b.test"));
    }

    /** The DNS names of the certificate the gateway presents to a client sending {@code serverName} (no SNI if null). */
    private List<String> presented(Gateway gateway, String serverName) throws IOException {
        RawClient c = fx.tls(gateway, new ClientTls(RunCa.get().clientContext(), serverName, false));
        X509Certificate leaf = (X509Certificate) c.tlsSession().orElseThrow().getPeerCertificates()[0];
        c.close();
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = leaf.getSubjectAlternativeNames();
            if (alternatives != null) {
                alternatives.forEach(n -> names.add(String.valueOf(n.get(1))));
            }
        } catch (CertificateParsingException e) {
            throw new AssertionError("the gateway presented a certificate whose names cannot be read", e);
        }
        return names;
    }

    // tag::tls-05[]
    @Test
    @Conforms(Rule.TLS_05)
    void tls05_closeNotifyBeforeEveryGracefulEnd() throws Exception {
        ScriptedBackend backend = fx.scripted(BackendConnection::accept);
        Gateway gateway = fx.gateway(fx.config().route("/chat", BalancerKind.ROUND_ROBIN, List.of(backend.address())).build());

        // a tunnel whose backend ends it cleanly: its Close, then FIN
        RawClient client = fx.raw(gateway);
        client.upgrade("/chat");
        BackendConnection atBackend = backend.awaitConnection(TestTime.PROMPT);
        atBackend.send(Frame.close(1000, "done"));
        atBackend.close();
        assertThat(client.readFrame()).isEqualTo(Frame.close(1000, "done"));
        assertThat(client.awaitEnd(TestTime.PROMPT)).as("how the client's TLS stream ended after the backend's FIN "
                + "(TRUNCATED: a FIN with no close_notify before it)").isEqualTo(Ending.EOF);

        // refusals the gateway answers itself
        Map<String, Integer> refusals = new LinkedHashMap<>();
        refusals.put(HttpText.upgradeRequest("/elsewhere", "a", HttpText.newKey()), 404);
        refusals.put("GET  /chat HTTP/1.1\r\nHost: a\r\n\r\n", 400);
        for (Map.Entry<String, Integer> refusal : refusals.entrySet()) {
            RawClient refused = fx.raw(gateway);
            refused.write(refusal.getKey());
            assertThat(refused.readResponse().status()).isEqualTo(refusal.getValue());
            assertThat(refused.awaitEnd(TestTime.PROMPT)).as("how the TLS stream ended after the gateway's own %d "
                    + "(TRUNCATED: a FIN with no close_notify before it)", refusal.getValue()).isEqualTo(Ending.EOF);
        }
    }
    // end::tls-05[]
}
