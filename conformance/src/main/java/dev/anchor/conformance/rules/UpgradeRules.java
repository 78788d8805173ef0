package dev.anchor.conformance.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anchor.conformance.Await;
import dev.anchor.conformance.Conforms;
import dev.anchor.conformance.Fixture;
import dev.anchor.conformance.Rule;
import dev.anchor.conformance.RuleGroup;
import dev.anchor.conformance.Subject;
import dev.anchor.conformance.TestTime;
import dev.anchor.conformance.peers.BackendConnection;
import dev.anchor.conformance.peers.BackendConnection.RawRequest;
import dev.anchor.conformance.peers.Ending;
import dev.anchor.conformance.peers.Frame;
import dev.anchor.conformance.peers.HttpText;
import dev.anchor.conformance.peers.RawClient;
import dev.anchor.conformance.peers.RawResponse;
import dev.anchor.conformance.peers.ScriptedBackend;
import dev.anchor.conformance.peers.WsClient;
import dev.anchor.conformance.peers.WsEvent;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.route.BalancerKind;
import dev.anchor.echo.EchoServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The opening handshake is forwarded and answered by the backend, never invented: 101 only from the backend, headers right. */
public abstract class UpgradeRules extends RuleGroup {
    protected UpgradeRules(Subject subject) {
        super(subject);
    }

    @Test
    @Conforms(Rule.UPG_01)
    void upg01_validUpgradeIsRelayed() throws Exception {
        ScriptedBackend backend = fx.scripted(c -> {
            c.accept("X-Answered-By: scripted-backend");
            c.echoFrames();
        });
        Gateway gateway = fx.gateway(backend.address());
        RawClient client = fx.raw(gateway);

        String key = client.sendUpgrade("/chat");
        RawResponse r = client.readResponseHead();

        assertThat(r.status()).isEqualTo(101);
        assertThat(r.all("Sec-WebSocket-Accept")).containsExactly(HttpText.accept(key));
        assertThat(r.field("X-Answered-By")).hasValue("scripted-backend");
        RawRequest seen = backend.awaitConnection(TestTime.PROMPT).request();
        assertThat(seen.all("Sec-WebSocket-Key")).containsExactly(key);
        assertThat(SetupRules.roundTrip(client, Frame.text("through"))).isEqualTo(Frame.text("through"));
    }

    @Test
    @Conforms(Rule.UPG_02)
    void upg02_no101BeforeTheBackends() throws Exception {
        CountDownLatch answer = new CountDownLatch(1);
        String token = HttpText.newKey(); // made now, sent only once the test lets the backend answer
        ScriptedBackend backend = fx.scripted(c -> {
            c.readRequest();
            answer.await();
            c.write(c.switchingHead("Set-Cookie: answered=" + token));
            c.echoFrames();
        });
        Gateway gateway = fx.gateway(backend.address());
        RawClient client = fx.raw(gateway);

        client.sendUpgrade("/");
        BackendConnection atBackend = backend.awaitConnection(TestTime.PROMPT);
        Await.until("the backend to have the request", TestTime.PROMPT, () -> atBackend.request() != null);
        answer.countDown();

        // whatever the client reads first must be the backend's own answer, which did not exist
        // until now: a gateway that answered earlier is caught without watching for silence
        RawResponse first = client.readResponseHead();
        assertThat(first.status()).isEqualTo(101);
        assertThat(first.field("Set-Cookie")).as("the first response the client saw is the backend's 101").hasValue("answered=" + token);
    }

    @Test
    @Conforms(Rule.UPG_03)
    void upg03_nonSwitchingAnswerRelayedUnchanged() throws Exception {
        String sized = "HTTP/1.1 401 Unauthorized\r\n"
                + "WWW-Authenticate: Bearer realm=\"chat\"\r\n"
                + "X-Trace: abc-123\r\n"
                + "Content-Type: text/plain\r\n"
                + "Content-Length: 12\r\n"
                + "Connection: keep-alive\r\n"
                + "Keep-Alive: timeout=5\r\n"
                + "\r\n"
                + "not allowed\n";
        String chunked = "HTTP/1.1 403 Forbidden\r\n"
                + "Transfer-Encoding: chunked\r\n"
                + "X-Trace: def-456\r\n"
                + "\r\n"
                + "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";
        ScriptedBackend backend = fx.scripted(c -> {
            RawRequest r = c.readRequest();
            c.write(r.target().equals("/sized") ? sized : chunked);
            c.awaitEnd(TestTime.PROMPT); // a keep-alive backend: it waits for the gateway to hang up
        });
        Gateway gateway = fx.gateway(backend.address());

        RawClient first = fx.raw(gateway);
        first.sendUpgrade("/sized");
        RawResponse r = first.readResponse();
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.reason()).isEqualTo("Unauthorized");
        // RFC 9110 section 5.3: names are case-insensitive, and the order of different names carries no meaning
        assertThat(HttpText.byName(r.fields())).contains(
                Map.entry("www-authenticate", List.of("Bearer realm=\"chat\"")),
                Map.entry("x-trace", List.of("abc-123")),
                Map.entry("content-type", List.of("text/plain")),
                Map.entry("content-length", List.of("12")));
        assertThat(r.all("Keep-Alive")).as("hop-by-hop").isEmpty();
        assertThat(r.bodyText()).isEqualTo("not allowed\n");

        RawClient second = fx.raw(gateway);
        second.sendUpgrade("/chunked");
        RawResponse head = second.readResponseHead();
        assertThat(head.status()).isEqualTo(403);
        assertThat(head.field("Transfer-Encoding")).hasValue("chunked");
        assertThat(head.field("X-Trace")).hasValue("def-456");
        assertThat(new String(second.readChunkedContent(), StandardCharsets.ISO_8859_1)).isEqualTo("hello world");
    }

    @Test
    @Conforms(Rule.UPG_04)
    void upg04_wrongAcceptBecomes502() throws Exception {
        ScriptedBackend backend = fx.scripted(c -> {
            c.readRequest();
            c.write("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Accept: " + HttpText.accept("AAAAAAAAAAAAAAAAAAAAAA==") + "\r\n\r\n");
            c.awaitEnd(TestTime.PROMPT);
        });
        Gateway gateway = fx.gateway(backend.address());
        RawClient client = fx.raw(gateway);

        client.sendUpgrade("/");

        assertThat(client.readResponse().status()).isEqualTo(502);
        assertThat(client.awaitEnd(TestTime.PROMPT)).isEqualTo(Ending.EOF);
        assertThat(backend.awaitConnection(TestTime.PROMPT).awaitEnd(TestTime.PROMPT))
                .as("the backend leg is closed too").isNotEqualTo(Ending.OPEN);
        assertThat(gateway.status().tunnels()).isZero();
    }

    @Test
    @Conforms(Rule.UPG_05)
    void upg05_hopByHopFieldsStop() throws Exception {
        ScriptedBackend backend = fx.scripted(BackendConnection::accept);
        Gateway gateway = fx.gateway(backend.address());
        RawClient client = fx.raw(gateway);

        client.upgrade("/", "Connection: X-Hop-Secret", "X-Hop-Secret: 1", "Keep-Alive: timeout=5",
                "Proxy-Connection: keep-alive", "TE: trailers", "X-End-To-End: kept");

        RawRequest seen = backend.awaitConnection(TestTime.PROMPT).request();
        assertThat(seen.names()).doesNotContainAnyElementsOf(List.of("X-Hop-Secret", "Keep-Alive", "Proxy-Connection", "TE"));
        assertThat(seen.all("Connection")).hasSize(1);
        assertThat(seen.all("Connection").get(0)).isEqualToIgnoringCase("Upgrade");
        assertThat(seen.all("Upgrade")).containsExactly("websocket");
        assertThat(seen.all("X-End-To-End")).containsExactly("kept");
    }

    @Test
    @Conforms(Rule.UPG_06)
    void upg06_connectionIsATokenList() throws Exception {
        ScriptedBackend backend = fx.scripted(BackendConnection::accept);
        Gateway gateway = fx.gateway(backend.address());

        for (String connection : List.of("keep-alive, Upgrade", "UPGRADE", "keep-alive,upgrade", "Upgrade, keep-alive")) {
            RawClient client = fx.raw(gateway);
            String key = HttpText.newKey();
            client.write("GET / HTTP/1.1\r\nHost: " + client.host() + "\r\nConnection: " + connection
                    + "\r\nUpgrade: WebSocket\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n");
            assertThat(client.readResponseHead().status()).as("Connection: " + connection).isEqualTo(101);
        }
    }

    @Test
    @Conforms(Rule.UPG_07)
    void upg07_forwardingFieldsAdded() throws Exception {
        ScriptedBackend backend = fx.scripted(BackendConnection::accept);
        Gateway gateway = fx.gateway(backend.address());
        RawClient client = fx.raw(gateway);

        client.upgrade("/", "X-Forwarded-For: 203.0.113.7");

        String me = client.localAddress().getAddress().getHostAddress();
        String proto = Fixture.clientTls(gateway) == null ? "http" : "https"; // the scheme the client used
        RawRequest seen = backend.awaitConnection(TestTime.PROMPT).request();
        // RFC 9110 section 5.3: two lines of a list field mean the same as one line joining them
        assertThat(String.join(", ", seen.all("X-Forwarded-For"))).isEqualTo("203.0.113.7, " + me);
        assertThat(seen.all("X-Forwarded-Proto")).as("X-Forwarded-Proto").containsExactly(proto);
        assertThat(seen.all("Forwarded")).hasSize(1);
        assertThat(seen.all("Forwarded").get(0)).contains("for=" + me)
                .containsPattern("(?i)(^|[;,\\s])proto=\"?" + proto + "\"?($|[;,\\s])");
    }

    @Test
    @Conforms(Rule.UPG_08)
    void upg08_subprotocolNegotiationPasses() throws Exception {
        EchoServer echo = fx.echo();
        Gateway gateway = fx.gateway(echo.address());

        WsClient client = fx.ws(gateway, "/", List.of("unknown.v9", "anchor.v2"), Map.of());

        assertThat(client.subprotocol()).isEqualTo("anchor.v2");
        assertThat(echo.handshakes()).hasSize(1);
        assertThat(String.join(",", echo.handshakes().get(0).all("Sec-WebSocket-Protocol")).replace(" ", ""))
                .isEqualTo("unknown.v9,anchor.v2");
        client.sendText("negotiated", true);
        assertThat(client.next()).isEqualTo(new WsEvent.Text("negotiated"));
    }

    @Test
    @Conforms(Rule.UPG_09)
    void upg09_endToEndFieldsPassInOrder() throws Exception {
        ScriptedBackend backend = fx.scripted(BackendConnection::accept);
        Gateway gateway = fx.gateway(backend.address());
        RawClient client = fx.raw(gateway);
        List<Map.Entry<String, String>> sent = List.of(
                Map.entry("Origin", "http://example.test"),
                Map.entry("Cookie", "a=1"),
                Map.entry("Authorization", "Bearer t0k3n"),
                Map.entry("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"),
                Map.entry("X-Custom", "one"),
                Map.entry("Cookie", "b=2"),
                Map.entry("X-Custom", "two"));

        client.upgrade("/", sent.stream().map(e -> e.getKey() + ": " + e.getValue()).toArray(String[]::new));

        RawRequest seen = backend.awaitConnection(TestTime.PROMPT).request();
        Map<String, List<String>> arrived = HttpText.byName(seen.fields());
        HttpText.byName(sent).forEach((name, values) ->
                assertThat(arrived.get(name)).as("the %s lines, in order", name).isEqualTo(values));
    }

    @Test
    @Conforms(Rule.UPG_10)
    void upg10_targetPassesUnchanged() throws Exception {
        ScriptedBackend backend = fx.scripted(BackendConnection::accept);
        Gateway gateway = fx.gateway(backend.address());

        fx.raw(gateway).upgrade("/chat/room%20one?user=ann&x=%2F&flag");
        assertThat(backend.awaitConnection(TestTime.PROMPT).request().target())
                .isEqualTo("/chat/room%20one?user=ann&x=%2F&flag");

        RawClient absolute = fx.raw(gateway);
        absolute.upgrade("http://chat.example:8080/chat?q=1");
        RawRequest seen = backend.awaitConnection(TestTime.PROMPT).request();
        assertThat(seen.target()).as("absolute form becomes origin form").isEqualTo("/chat?q=1");
        assertThat(seen.all("Host")).as("the target's authority is the host").containsExactly("chat.example:8080");
    }

    @Test
    @Conforms(Rule.UPG_11)
    void upg11_framesBehindThe101Arrive() throws Exception {
        ScriptedBackend backend = fx.scripted(c -> {
            c.readRequest();
            byte[] head = c.switchingHead().getBytes(StandardCharsets.ISO_8859_1);
            byte[] frame = Frame.text("early bird").encode(false, new java.util.Random());
            byte[] both = java.util.Arrays.copyOf(head, head.length + frame.length);
            System.arraycopy(frame, 0, both, head.length, frame.length);
            c.write(both);
        });
        Gateway gateway = fx.gateway(backend.address());
        RawClient client = fx.raw(gateway);

        client.upgrade("/");

        assertThat(client.readFrame()).isEqualTo(Frame.text("early bird"));
    }

    @Test
    @Conforms(Rule.UPG_12)
    void upg12_bytesBehindTheRequestWaitForThe101() throws Exception {
        Frame eager = Frame.binary("sent before the 101".getBytes(StandardCharsets.UTF_8));
        ScriptedBackend switching = fx.scripted(c -> {
            c.readRequest();
            if (!c.quietFor(TestTime.QUIET)) {
                c.write("HTTP/1.1 500 Early Bytes\r\nContent-Length: 0\r\n\r\n"); // the rule is broken
                return;
            }
            c.write(c.switchingHead());
            c.send(c.readFrame());
        });
        Gateway gateway = fx.gateway(switching.address());
        RawClient client = fx.raw(gateway);
        client.write(behind(HttpText.upgradeRequest("/", client.host(), HttpText.newKey()), eager.encode(true, new java.util.Random())));

        assertThat(client.readResponseHead().status()).as("the backend saw nothing before it switched").isEqualTo(101);
        assertThat(client.readFrame()).as("and then the bytes, in order").isEqualTo(eager);

        // a refusing backend must never see what was pipelined: here, a second request it would serve
        java.util.concurrent.CompletableFuture<byte[]> afterRefusal = new java.util.concurrent.CompletableFuture<>();
        ScriptedBackend refusing = fx.scripted(c -> {
            c.readRequest();
            c.write("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n");
            afterRefusal.complete(c.readToEnd(TestTime.PROMPT).data());
        });
        Gateway strict = fx.gateway(refusing.address());
        RawClient smuggler = fx.raw(strict);
        smuggler.write(HttpText.upgradeRequest("/", smuggler.host(), HttpText.newKey())
                + "GET /admin HTTP/1.1\r\nHost: internal\r\nX-Forwarded-For: 127.0.0.1\r\n\r\n");
        assertThat(smuggler.readResponse().status()).isEqualTo(401);
        assertThat(afterRefusal.get(TestTime.PROMPT.toMillis() * 2, TimeUnit.MILLISECONDS))
                .as("bytes the refusing backend received after its answer").isEmpty();
    }

    private static byte[] behind(String head, byte[] bytes) {
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] both = java.util.Arrays.copyOf(h, h.length + bytes.length);
        System.arraycopy(bytes, 0, both, h.length, bytes.length);
        return both;
    }

    @Test
    @Conforms(Rule.UPG_13)
    void upg13_requestHeadOneBytePerSegment() throws Exception {
        ScriptedBackend backend = fx.scripted(c -> {
            c.accept();
            c.echoFrames();
        });
        Gateway gateway = fx.gateway(backend.address());
        RawClient client = fx.raw(gateway);

        String key = HttpText.newKey();
        client.writeChopped(HttpText.upgradeRequest("/slowly", client.host(), key).getBytes(StandardCharsets.ISO_8859_1), 1);

        RawResponse r = client.readResponseHead();
        assertThat(r.status()).isEqualTo(101);
        assertThat(r.all("Sec-WebSocket-Accept")).containsExactly(HttpText.accept(key));
        assertThat(SetupRules.roundTrip(client, Frame.text("ok"))).isEqualTo(Frame.text("ok"));
    }

    @Test
    @Conforms(Rule.UPG_14)
    void upg14_responseHeadOneBytePerSegment() throws Exception {
        ScriptedBackend backend = fx.scripted(c -> {
            c.readRequest();
            c.writeChopped(c.switchingHead("X-Slow: yes").getBytes(StandardCharsets.ISO_8859_1), 1);
            c.echoFrames();
        });
        Gateway gateway = fx.gateway(backend.address());
        RawClient client = fx.raw(gateway);

        RawResponse r = client.upgrade("/");

        assertThat(r.field("X-Slow")).hasValue("yes");
        assertThat(SetupRules.roundTrip(client, Frame.text("ok"))).isEqualTo(Frame.text("ok"));
    }

    @Test
    @Conforms(Rule.UPG_15)
    void upg15_refusingBackendIsPassedOver() throws Exception {
        ScriptedBackend backend = fx.scripted(BackendConnection::accept);
        Gateway gateway = fx.gateway(fx.config()
                .route("/", BalancerKind.ROUND_ROBIN, List.of(fx.refusing(), backend.address()))
                .build());

        for (int i = 0; i < 4; i++) {
            fx.raw(gateway).upgrade("/attempt-" + i);
        }

        assertThat(backend.connections()).isEqualTo(4);
    }

    @Test
    @Conforms(Rule.UPG_16)
    void upg16_backendFieldsOf101Reach() throws Exception {
        ScriptedBackend backend = fx.scripted(c -> c.accept(
                "Set-Cookie: sid=42; Path=/", "Sec-WebSocket-Protocol: anchor.v1", "X-Backend: b1"));
        Gateway gateway = fx.gateway(backend.address());
        RawClient client = fx.raw(gateway);

        RawResponse r = client.upgrade("/", "Sec-WebSocket-Protocol: anchor.v1, anchor.v2");

        assertThat(r.all("Set-Cookie")).containsExactly("sid=42; Path=/");
        assertThat(r.all("Sec-WebSocket-Protocol")).containsExactly("anchor.v1");
        assertThat(r.all("X-Backend")).containsExactly("b1");
    }

    @Test
    @Conforms(Rule.UPG_17)
    void upg17_interimAnswerRelayed() throws Exception {
        ScriptedBackend backend = fx.scripted(c -> {
            c.readRequest();
            c.write("HTTP/1.1 103 Early Hints\r\nLink: </hint>; rel=preload\r\n\r\n");
            c.write(c.switchingHead());
            c.echoFrames();
        });
        Gateway gateway = fx.gateway(backend.address());
        RawClient client = fx.raw(gateway);

        String key = client.sendUpgrade("/");

        RawResponse interim = client.readResponseHead();
        assertThat(interim.status()).isEqualTo(103);
        assertThat(interim.field("Link")).hasValue("</hint>; rel=preload");
        RawResponse switched = client.readResponseHead();
        assertThat(switched.status()).isEqualTo(101);
        assertThat(switched.all("Sec-WebSocket-Accept")).containsExactly(HttpText.accept(key));
        assertThat(SetupRules.roundTrip(client, Frame.text("after hints"))).isEqualTo(Frame.text("after hints"));
        Await.until("no tunnel left open by the interim answer", TestTime.PROMPT, () -> gateway.status().tunnels() == 1);
    }
}
