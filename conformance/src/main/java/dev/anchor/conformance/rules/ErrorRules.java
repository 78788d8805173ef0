package dev.anchor.conformance.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.anchor.conformance.Background;
import dev.anchor.conformance.Conforms;
import dev.anchor.conformance.Fixture;
import dev.anchor.conformance.Rule;
import dev.anchor.conformance.RuleGroup;
import dev.anchor.conformance.Seeds;
import dev.anchor.conformance.Subject;
import dev.anchor.conformance.TestTime;
import dev.anchor.conformance.peers.BackendConnection;
import dev.anchor.conformance.peers.Connection;
import dev.anchor.conformance.peers.Ending;
import dev.anchor.conformance.peers.RawClient;
import dev.anchor.conformance.peers.RawResponse;
import dev.anchor.conformance.peers.ScriptedBackend;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.route.BalancerKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Bad input gets the right status and costs nothing afterwards. */
public abstract class ErrorRules extends RuleGroup {
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    protected ErrorRules(Subject subject) {
        super(subject);
    }

    @Test
    @Conforms(Rule.ERR_01)
    void err01_malformedRequestLine() throws Exception {
        Gateway gateway = fx.gateway(fx.echo().address());
        for (String line : List.of("GET  /chat HTTP/1.1", "GET /chat", "G@T /chat HTTP/1.1", "GET /chat HTTP/1.1 extra", "GET chat HTTP/1.1")) {
            refused(gateway, line + "\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n", 400);
        }
    }

    @Test
    @Conforms(Rule.ERR_02)
    void err02_malformedFieldLine() throws Exception {
        Gateway gateway = fx.gateway(fx.echo().address());
        refused(gateway, "GET / HTTP/1.1\r\nHost : a\r\n\r\n", 400);
        refused(gateway, "GET / HTTP/1.1\r\nHost: a\r\nX-Folded: one\r\n  two\r\n\r\n", 400);
        refused(gateway, "GET / HTTP/1.1\nHost: a\n\n", 400);
        refused(gateway, "GET / HTTP/1.1\r\nHost: a\r\nNo-Colon\r\n\r\n", 400);
        refused(gateway, "GET / HTTP/1.1\r\nHost: a\r\nX-Nul: a\0b\r\n\r\n", 400);
    }

    @Test
    @Conforms(Rule.ERR_03)
    void err03_nonGetUpgradeIs405() throws Exception {
        Gateway gateway = fx.gateway(fx.echo().address());
        RawResponse r = refused(gateway, upgrade("POST", "/chat", "Sec-WebSocket-Version: 13"), 405);
        assertThat(r.field("Allow")).hasValue("GET");
    }

    @Test
    @Conforms(Rule.ERR_04)
    void err04_missingUpgradeIs426() throws Exception {
        Gateway gateway = fx.gateway(fx.echo().address());
        RawResponse r = refused(gateway, "GET /chat HTTP/1.1\r\nHost: a\r\n\r\n", 426);
        assertThat(r.field("Upgrade")).hasValueSatisfying(u -> assertThat(u).isEqualToIgnoringCase("websocket"));
    }

    @Test
    @Conforms(Rule.ERR_05)
    void err05_wrongVersionIs426() throws Exception {
        Gateway gateway = fx.gateway(fx.echo().address());
        RawResponse r = refused(gateway, upgrade("GET", "/chat", "Sec-WebSocket-Version: 8"), 426);
        assertThat(r.field("Sec-WebSocket-Version")).hasValue("13");
    }

    @Test
    @Conforms(Rule.ERR_06)
    void err06_badKeyIs400() throws Exception {
        Gateway gateway = fx.gateway(fx.echo().address());
        refused(gateway, "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n", 400);
        refused(gateway, "GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n\r\n", 400);
    }

    @Test
    @Conforms(Rule.ERR_07)
    void err07_oversizedHead() throws Exception {
        Gateway gateway = fx.gateway(fx.echo().address());
        refused(gateway, upgrade("GET", "/chat", "Sec-WebSocket-Version: 13", "X-Big: " + "a".repeat(17_000)), 431);
        refused(gateway, upgrade("GET", "/" + "b".repeat(17_000), "Sec-WebSocket-Version: 13"), 414);
    }

    @Test
    @Conforms(Rule.ERR_08)
    void err08_slowHeadIs408() throws Exception {
        Gateway gateway = fx.gateway(fx.config(fx.echo().address()).headTimeout(Duration.ofMillis(500)).build());

        RawClient trickling = fx.raw(gateway);
        trickling.write("GET / HTTP/1.1\r\n");
        AtomicBoolean answered = new AtomicBoolean();
        long bound = System.nanoTime() + TestTime.PROMPT.multipliedBy(4).toNanos();
        Future<String> trickle = Background.start("trickle", () -> {
            try {
                while (!answered.get()) {
                    if (System.nanoTime() > bound) {
                        return "ran out of time without an answer";
                    }
                    trickling.write("X"); // a byte every 50 ms: a per-read timeout never fires
                    TestTime.pace(Duration.ofMillis(50));
                }
                return "answered while trickling";
            } catch (IOException closedByGateway) {
                return "closed by the gateway";
            }
        });
        assertThat(trickling.readResponse().status()).isEqualTo(408);
        answered.set(true);
        assertThat(Background.await(trickle, 5)).as("the 408 came while the head was still trickling in")
                .isNotEqualTo("ran out of time without an answer");

        RawClient silent = fx.raw(gateway);
        assertThat(silent.readResponse().status()).isEqualTo(408);
    }

    @Test
    @Conforms(Rule.ERR_09)
    void err09_allBackendsRefuse() throws Exception {
        Gateway gateway = fx.gateway(fx.refusing(), fx.refusing());
        refused(gateway, upgrade("GET", "/", "Sec-WebSocket-Version: 13"), 502);
    }

    @Test
    @Conforms(Rule.ERR_10)
    void err10_connectTimeoutIs504() throws Exception {
        // a handshake timeout far beyond PROMPT: a 504 in time can only be the connect's
        Gateway gateway = fx.gateway(fx.config(fx.blackhole().address()).connectTimeout(Duration.ofMillis(300))
                .handshakeTimeout(Duration.ofMinutes(1)).build());
        refused(gateway, upgrade("GET", "/", "Sec-WebSocket-Version: 13"), 504);
    }

    @Test
    @Conforms(Rule.ERR_11)
    void err11_noRouteIs404() throws Exception {
        ScriptedBackend backend = fx.scripted(BackendConnection::accept);
        Gateway gateway = fx.gateway(fx.config()
                .route("/chat", BalancerKind.ROUND_ROBIN, List.of(backend.address())).build());
        refused(gateway, upgrade("GET", "/other", "Sec-WebSocket-Version: 13"), 404);
        refused(gateway, upgrade("GET", "/chatroom", "Sec-WebSocket-Version: 13"), 404);
        assertThat(backend.connections()).isZero();
    }

    @Test
    @Conforms(Rule.ERR_12)
    void err12_backendClosesWithoutAnswer() throws Exception {
        ScriptedBackend backend = fx.scripted(c -> {
            c.readRequest();
            c.close();
        });
        Gateway gateway = fx.gateway(backend.address());
        refused(gateway, upgrade("GET", "/", "Sec-WebSocket-Version: 13"), 502);
    }

    @Test
    @Conforms(Rule.ERR_13)
    void err13_backendAnswerNotHttp() throws Exception {
        ScriptedBackend backend = fx.scripted(c -> {
            c.readRequest();
            c.write("SSH-2.0-OpenSSH_9.6\r\n\r\n");
            c.awaitEnd(TestTime.PROMPT);
        });
        Gateway gateway = fx.gateway(backend.address());
        refused(gateway, upgrade("GET", "/", "Sec-WebSocket-Version: 13"), 502);
    }

    @Test
    @Conforms(Rule.ERR_14)
    void err14_backendSilentIs504() throws Exception {
        ScriptedBackend backend = fx.scripted(c -> {
            c.readRequest();
            c.awaitEnd(TestTime.PROMPT);
        });
        Gateway gateway = fx.gateway(fx.config(backend.address()).handshakeTimeout(Duration.ofMillis(400)).build());
        refused(gateway, upgrade("GET", "/", "Sec-WebSocket-Version: 13"), 504);
    }

    @Test
    @Conforms(Rule.ERR_15)
    void err15_missingHostIs400() throws Exception {
        Gateway gateway = fx.gateway(fx.echo().address());
        refused(gateway, "GET / HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n", 400);
    }

    @Test
    @Conforms(Rule.ERR_16)
    void err16_otherHttpVersionIs505() throws Exception {
        Gateway gateway = fx.gateway(fx.echo().address());
        refused(gateway, "GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505);
        refused(gateway, "GET / HTTP/3.0\r\nHost: a\r\n\r\n", 505);
    }

    @Test
    @Conforms(Rule.ERR_17)
    void err17_abandonedHeadCostsNothing() throws Exception {
        ScriptedBackend backend = fx.scripted(BackendConnection::accept);
        Gateway gateway = fx.gateway(backend.address());

        RawClient leaving = fx.raw(gateway);
        leaving.write("GET / HTTP/1.1\r\nHost: a\r\nUpgr");
        leaving.close();
        RawClient resetting = fx.raw(gateway);
        resetting.write("GET / HTTP/1.1\r\nHost: a\r\n");
        resetting.reset();

        fx.awaitIdle(gateway, "after two clients left mid-head");
        assertThat(backend.connections()).isZero();
    }

    @Test
    @Conforms(Rule.ERR_18)
    void err18_randomBytesNeverBreakTheGateway() throws Exception {
        // random bytes can make a request a gateway forwards (a gateway that proxies plain HTTP
        // forwards "GET / HTTP/1.1" and a bare LF): what reaches the backend must then be a
        // well-formed request, never the garbage itself; the backend answers nothing, so the
        // client's answer is the gateway's own 5xx
        List<String> forwarded = new CopyOnWriteArrayList<>();
        ScriptedBackend backend = fx.scripted(c -> {
            try {
                c.readRequest();
                forwarded.add(requestLine(c));
            } catch (java.io.EOFException ended) {
                if (!String.valueOf(ended.getMessage()).contains("after 0 bytes")) {
                    forwarded.add("(a head cut short: " + ended.getMessage() + ")");
                } // a connection that carried nothing forwarded nothing
            } catch (IOException | RuntimeException garbled) {
                forwarded.add("(not a request head: " + garbled + ")");
            }
            c.close();
        });
        Gateway gateway = fx.gateway(fx.config(backend.address()).headTimeout(Duration.ofSeconds(1)).build());
        Set<Integer> allowed = Set.of(400, 404, 405, 408, 414, 426, 431, 502, 503, 504, 505);

        Seeds.theory(100).withShrinkCycles(20)
                .forAll(lists().of(integers().between(0, 255)).ofSizeBetween(0, 600), booleans().all())
                .checkAssert((garbage, withRequestLine) -> TunnelRules.io(() -> {
                    byte[] bytes = new byte[garbage.size()];
                    for (int i = 0; i < bytes.length; i++) {
                        bytes[i] = (byte) (int) garbage.get(i);
                    }
                    try (RawClient client = Fixture.connect(gateway)) {
                        if (withRequestLine) {
                            client.write("GET / HTTP/1.1\r\n");
                        }
                        client.write(bytes);
                        client.shutdownOutput();
                        Connection.Received r = client.readToEnd(TestTime.PROMPT);
                        assertThat(r.ending()).as("the gateway ends the connection").isNotEqualTo(Ending.OPEN);
                        if (r.data().length > 0) {
                            String text = new String(r.data(), StandardCharsets.ISO_8859_1);
                            assertThat(text).startsWith("HTTP/1.1 ");
                            assertThat(allowed).contains(Integer.parseInt(text.substring(9, 12)));
                        }
                    } catch (IOException reset) {
                        // a reset while writing is a legitimate way to refuse garbage
                    }
                    try (RawClient next = Fixture.connect(gateway)) {
                        next.write("GET /healthz HTTP/1.1\r\nHost: a\r\n\r\n");
                        assertThat(next.readResponse().status()).as("the next client is served").isEqualTo(200);
                    }
                }));

        assertThat(forwarded).as("what reached the backend").allMatch(line -> line.matches("[A-Z]+ \\S+ HTTP/1\\.[01]"));
    }

    private static String requestLine(BackendConnection c) {
        BackendConnection.RawRequest r = c.request();
        return r.method() + " " + r.target() + " " + r.version();
    }

    @Test
    @Conforms(Rule.ERR_19)
    void err19_refusalsLeaveNothingOpen() throws Exception {
        ScriptedBackend backend = fx.scripted(BackendConnection::accept);
        Gateway gateway = fx.gateway(fx.config()
                .route("/ws", BalancerKind.ROUND_ROBIN, List.of(backend.address()))
                .route("/down", BalancerKind.ROUND_ROBIN, List.of(fx.refusing())).build());
        String v13 = "Sec-WebSocket-Version: 13";

        refusedAndClosed(gateway, "GET  /ws HTTP/1.1\r\nHost: a\r\n\r\n", 400);
        refusedAndClosed(gateway, "GET /ws HTTP/1.1\nHost: a\n\n", 400);
        refusedAndClosed(gateway, upgrade("PUT", "/ws", v13), 405);
        refusedAndClosed(gateway, "GET /ws HTTP/1.1\r\nHost: a\r\n\r\n", 426);
        refusedAndClosed(gateway, upgrade("GET", "/ws", "Sec-WebSocket-Version: 7"), 426);
        refusedAndClosed(gateway, "GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" + v13 + "\r\n\r\n", 400);
        refusedAndClosed(gateway, upgrade("GET", "/ws", v13, "X-Big: " + "a".repeat(20_000)), 431);
        refusedAndClosed(gateway, upgrade("GET", "/ws" + "b".repeat(20_000), v13), 414);
        refusedAndClosed(gateway, upgrade("GET", "/elsewhere", v13), 404);
        refusedAndClosed(gateway, "GET /ws HTTP/2.0\r\nHost: a\r\n\r\n", 505);
        refusedAndClosed(gateway, "GET /ws HTTP/1.1\r\n\r\n", 400);
        refusedAndClosed(gateway, upgrade("GET", "/down", v13), 502);

        fx.awaitIdle(gateway, "after twelve refusals");
        assertThat(backend.connections()).isZero();
    }

    @Test
    @Conforms(Rule.ERR_20)
    void err20_backendResetDuringHandshakeIs502() throws Exception {
        ScriptedBackend backend = fx.scripted(c -> {
            c.readRequest();
            c.reset();
        });
        Gateway gateway = fx.gateway(backend.address());
        refused(gateway, upgrade("GET", "/", "Sec-WebSocket-Version: 13"), 502);
    }

    @Test
    @Conforms(Rule.ERR_21)
    void err21_dotSegmentsAre400() throws Exception {
        ScriptedBackend backend = fx.scripted(BackendConnection::accept);
        Gateway gateway = fx.gateway(fx.config()
                .route("/chat", BalancerKind.ROUND_ROBIN, List.of(backend.address())).build());
        for (String target : List.of("/chat/../admin", "/chat/./room", "/chat/%2e%2e/admin", "/chat/%2E/x")) {
            refused(gateway, upgrade("GET", target, "Sec-WebSocket-Version: 13"), 400);
        }
        assertThat(backend.connections()).isZero();
    }

    @Test
    @Conforms(Rule.ERR_22)
    void err22_answerFramedTwoWaysIs502() throws Exception {
        ScriptedBackend backend = fx.scripted(c -> {
            c.readRequest();
            c.write("HTTP/1.1 403 Forbidden\r\nTransfer-Encoding: chunked\r\nContent-Length: 6\r\n\r\n0\r\n\r\n");
            c.awaitEnd(TestTime.PROMPT);
        });
        Gateway gateway = fx.gateway(backend.address());
        refused(gateway, upgrade("GET", "/", "Sec-WebSocket-Version: 13"), 502);
    }

    @Test
    @Conforms(Rule.ERR_23)
    void err23_invalidHostIs400() throws Exception {
        ScriptedBackend backend = fx.scripted(BackendConnection::accept);
        Gateway gateway = fx.gateway(backend.address());

        for (String host : List.of("a b", "user@host", "host:65536", "host:123456", "host:8o", "[::1", "[zz::1]",
                "exa%mple", "a/b", "::1", ":80")) {
            refused(gateway, upgradeTo("/", host), 400);
        }
        for (String target : List.of("http://host:99999/", "ws://[::1/", "http://a%zz/")) {
            refused(gateway, upgradeTo(target, "a"), 400);
        }
        assertThat(backend.connections()).as("backend connections for invalid hosts").isZero();
        for (String host : List.of("example.com", "example.com:8080", "127.0.0.1", "[::1]:443", "[2001:db8::1]", "a%41b")) {
            RawClient client = fx.raw(gateway);
            client.write(upgradeTo("/", host));
            assertThat(client.readResponseHead().status()).as("status for Host: %s", host).isEqualTo(101);
            assertThat(backend.awaitConnection(TestTime.PROMPT).request().field("Host")).as("Host at the backend").hasValue(host);
            client.close();
        }
    }

    /** An opening handshake for {@code target} with {@code host} as its Host field. */
    private static String upgradeTo(String target, String host) {
        return "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
    }

    /**
     * Sends {@code request} and expects {@code status}. Whether the gateway then closes is ERR-19's
     * question alone: RFC 9112 section 9.3 lets a server keep a connection after an error.
     */
    RawResponse refused(Gateway gateway, String request, int status) throws IOException {
        RawClient client = fx.raw(gateway);
        RawResponse r = answer(client, request, status);
        client.close();
        return r;
    }

    /** Sends {@code request}, expects {@code status} and then the end of the connection. */
    RawResponse refusedAndClosed(Gateway gateway, String request, int status) throws IOException {
        RawClient client = fx.raw(gateway);
        RawResponse r = answer(client, request, status);
        assertThat(client.awaitEnd(TestTime.PROMPT)).as("the gateway closes after %d", status).isEqualTo(Ending.EOF);
        client.close();
        return r;
    }

    private static RawResponse answer(RawClient client, String request, int status) throws IOException {
        client.write(request);
        RawResponse r = client.readResponse();
        assertThat(r.status()).as("status for:\n%s", request.length() > 200 ? request.substring(0, 200) + "..." : request)
                .isEqualTo(status);
        return r;
    }

    /** An opening handshake without Sec-WebSocket-Version: each test states the version it sends. */
    static String upgrade(String method, String target, String... extra) {
        StringBuilder sb = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(KEY).append("\r\n");
        for (String line : extra) {
            sb.append(line).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }
}
