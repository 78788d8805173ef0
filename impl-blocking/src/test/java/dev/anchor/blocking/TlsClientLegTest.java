package dev.anchor.blocking;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anchor.conformance.Await;
import dev.anchor.conformance.TestTime;
import dev.anchor.conformance.peers.BackendConnection;
import dev.anchor.conformance.peers.Connection;
import dev.anchor.conformance.peers.Ending;
import dev.anchor.conformance.peers.Frame;
import dev.anchor.conformance.peers.FrameReader;
import dev.anchor.conformance.peers.HttpText;
import dev.anchor.conformance.peers.RawClient;
import dev.anchor.conformance.peers.ScriptedBackend;
import dev.anchor.conformance.peers.WsEvent;
import dev.anchor.conformance.targets.InProcessTarget;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.config.HeartbeatConfig;
import dev.anchor.core.config.ListenTls;
import dev.anchor.core.config.ServerCertificate;
import dev.anchor.core.config.ThreadKind;
import dev.anchor.core.lifecycle.DrainReport;
import dev.anchor.core.route.BalancerKind;
import dev.anchor.core.tls.LocalCa;
import dev.anchor.echo.EchoServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS on the client leg ({@code listen.tls}): the blocking gateway in this JVM with certificates
 * from a {@link LocalCa} of the test's own, real clients (the JDK's WebSocket client, SSLSocket,
 * and {@link EngineClient}, which shows how a stream ended), and backends in this JVM. Every wait
 * has a deadline and none is a pause; every test ends requiring the gateway to hold no connection.
 */
class TlsClientLegTest {
    private static final Duration PROMPT = TestTime.PROMPT;
    /** Enough for a TLS handshake on a cold, busy JVM, for the tests that are not about the deadline. */
    private static final Duration HEAD = TestTime.scaled(Duration.ofSeconds(10));
    /** For the tests of the deadline itself, with nothing to finish before it. */
    private static final Duration SHORT_HEAD = Duration.ofSeconds(1);
    /** For the tests of the deadline that first finish a TLS handshake within it. */
    private static final Duration HANDSHAKE_THEN_HEAD = Duration.ofSeconds(3);
    /** The lateness a deadline is allowed in these tests: a busy machine, not a slow gateway. */
    private static final Duration SLACK = TestTime.scaled(Duration.ofSeconds(3));
    /** How often a trickling client sends its next byte: far inside any SO_TIMEOUT here. */
    private static final Duration TRICKLE = Duration.ofMillis(100);

    @TempDir
    static Path files;
    private static LocalCa ca;
    /** Presented when the client names no server, or a name no certificate has. */
    private static ServerCertificate first;
    private static ServerCertificate second;

    private final Deque<AutoCloseable> peers = new ArrayDeque<>();
    private final Random random = new Random(7);
    private BlockingGateway gateway;

    @BeforeAll
    static void certificates() {
        ca = LocalCa.create("Anchor test CA", Duration.ofDays(1));
        first = issue("first", "a.test", "localhost", "127.0.0.1");
        second = issue("second", "b.test");
    }

    /** A certificate for {@code names} and its key, as the PEM files an operator would give. */
    private static ServerCertificate issue(String key, String... names) {
        Path chain = files.resolve(key + ".pem");
        Path privateKey = files.resolve(key + ".key");
        ca.issue(Duration.ofDays(1), names).write(chain, privateKey);
        return ServerCertificate.pem("listen.tls.certificates." + key, chain, privateKey, null);
    }

    @AfterEach
    void stop() throws Exception {
        while (!peers.isEmpty()) {
            peers.pop().close();
        }
        if (gateway != null) {
            try {
                Await.until("the gateway to hold no connection once its peers have gone", PROMPT,
                        () -> InProcessTarget.held(gateway.status()), Optional::isEmpty);
            } finally {
                gateway.close();
            }
        }
    }

    @ParameterizedTest
    @EnumSource(ThreadKind.class)
    void aWssClientTunnelsAndItsMessagesComeBackByteForByte(ThreadKind threads) throws Exception {
        EchoServer echo = track(EchoServer.start());
        start(config(HEAD, echo.address(), first).blockingThreads(threads));
        Messages messages = new Messages();
        WebSocket ws = wss("/echo", messages);

        String text = "h\u00e9llo over TLS \u2713 \ud83c\udf0d";
        ws.sendText(text, true).get(PROMPT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(messages.next()).isEqualTo(new WsEvent.Text(text));

        byte[] binary = new byte[200_000]; // a dozen TLS records each way
        random.nextBytes(binary);
        ws.sendBinary(ByteBuffer.wrap(binary), true).get(PROMPT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(messages.next()).isEqualTo(new WsEvent.Binary(binary));

        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(PROMPT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(messages.next()).isEqualTo(new WsEvent.Closed(WebSocket.NORMAL_CLOSURE, "done"));
    }

    @Test
    void heartbeatPingsReachAWssClientBetweenItsFrames() throws Exception {
        EchoServer echo = track(EchoServer.start());
        HeartbeatConfig.Leg quickly = new HeartbeatConfig.Leg(Duration.ofMillis(200), PROMPT);
        HeartbeatConfig.Leg never = new HeartbeatConfig.Leg(Duration.ofMinutes(10), Duration.ofMinutes(10));
        start(config(HEAD, echo.address(), first)
                .idleTimeout(Duration.ZERO).heartbeat(HeartbeatConfig.Mode.PING, quickly, never));
        Messages messages = new Messages();
        WebSocket ws = wss("/echo", messages);

        assertThat(messages.next()).as("the gateway's own Ping, inside TLS").isInstanceOf(WsEvent.Ping.class);
        ws.sendText("still framed", true).get(PROMPT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(messages.nextOtherThanPing()).isEqualTo(new WsEvent.Text("still framed"));
    }

    @Test
    void plaintextHttpOnTheTlsPortIsClosedNotLeftHanging() throws Exception {
        start(config(HEAD, nowhere(), first));
        RawClient c = track(RawClient.connect(gateway.address()));
        c.write("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n");

        Connection.Received r = c.readToEnd(PROMPT);
        assertThat(r.ending()).as("closed at once, not held until a deadline").isIn(Ending.EOF, Ending.RESET);
        assertThat(new String(r.data(), ISO_8859_1)).as("no answer in plaintext HTTP").doesNotContain("HTTP/");
        if (r.data().length > 0) {
            assertThat(r.data()[0]).as("what came is a TLS alert record").isEqualTo((byte) 0x15);
        }
    }

    @Test
    void aConnectionThatSendsNothingIsClosedWhenTheHeadDeadlinePasses() throws Exception {
        start(config(SHORT_HEAD, nowhere(), first));
        long began = System.nanoTime();
        RawClient c = track(RawClient.connect(gateway.address()));

        Ending ending = c.awaitEnd(SHORT_HEAD.plus(SLACK));
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        assertThat(ending).as("closed within the head's deadline and some slack").isIn(Ending.EOF, Ending.RESET);
        assertThat(took).as("not before the deadline").isGreaterThanOrEqualTo(SHORT_HEAD.minusMillis(50));
    }

    @Test
    void aClientTricklingItsHelloIsClosedWhenTheHeadDeadlinePasses() throws Exception {
        start(config(SHORT_HEAD, nowhere(), first));
        byte[] hello = clientHello(); // hundreds of bytes: at ten a second, long past the deadline
        RawClient c = track(RawClient.connect(gateway.address()));
        long began = System.nanoTime();

        int sent = trickle(c, hello, () -> c.awaitEnd(SHORT_HEAD.plus(SLACK)));
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        assertThat(sent).as("closed before the hello was complete").isLessThan(hello.length);
        assertThat(took).as("each byte came within SO_TIMEOUT: the deadline itself closed it")
                .isBetween(SHORT_HEAD.minusMillis(50), SHORT_HEAD.plus(SLACK));
    }

    @Test
    void aClientSilentAfterTheTlsHandshakeGets408OverTls() throws Exception {
        start(config(HANDSHAKE_THEN_HEAD, nowhere(), first));
        EngineClient c = track(EngineClient.connect(gateway.address(), ca.clientContext(), "TLSv1.3", PROMPT));
        c.handshake();

        EngineClient.Received r = c.readToEnd(HANDSHAKE_THEN_HEAD.plus(SLACK));
        assertThat(new String(r.data(), ISO_8859_1)).startsWith("HTTP/1.1 408 ");
        assertThat(r.ending()).as("the refusal ends with close_notify").isEqualTo(EngineClient.Ending.CLOSE_NOTIFY);
    }

    @Test
    void aClientTricklingARecordAfterTheHandshakeIsClosedSoonAfterTheHeadDeadline() throws Exception {
        start(config(HANDSHAKE_THEN_HEAD, nowhere(), first));
        EngineClient c = track(EngineClient.connect(gateway.address(), ca.clientContext(), "TLSv1.3", PROMPT));
        c.handshake();
        long began = System.nanoTime();
        byte[] record = c.records(upgradeRequest());

        int sent = trickle(c::sendRaw, record, () -> {
            EngineClient.Ending e = c.readToEnd(HANDSHAKE_THEN_HEAD.plus(SLACK)).ending();
            return e == EngineClient.Ending.OPEN ? Ending.OPEN : Ending.EOF;
        });
        Duration took = Duration.ofNanos(System.nanoTime() - began);
        assertThat(sent).as("closed before the record was complete").isLessThan(record.length);
        assertThat(took).as("one TLS read is many TCP reads: the timekeeper bounded the whole")
                .isLessThan(HANDSHAKE_THEN_HEAD.plusMillis(ClientTls.TRICKLE_GRACE_MILLIS).plus(SLACK));
    }

    @Test
    void aClientOfferingOnlyTls11IsRefusedByTheHandshake() throws Exception {
        start(config(HEAD, nowhere(), first));
        // this JDK will not offer TLS 1.1 at all (jdk.tls.disabledAlgorithms): restricted to it, it cannot connect
        try (SSLSocket s = tlsSocket()) {
            s.setEnabledProtocols(new String[] {"TLSv1.1"});
            assertThatThrownBy(s::startHandshake).isInstanceOf(SSLHandshakeException.class);
        }
        // so the gateway's side of it is shown with a ClientHello that does offer TLS 1.1, and only it
        RawClient c = track(RawClient.connect(gateway.address()));
        c.write(ClientHellos.offering(0x0302, 0xc009, 0xc013, 0x002f));

        Connection.Received r = c.readToEnd(PROMPT);
        assertThat(alert(r.data())).as("a fatal protocol_version alert").isEqualTo(70);
        assertThat(r.ending()).isIn(Ending.EOF, Ending.RESET);
    }

    @Test
    void aClientWithNoCipherSuiteInCommonIsRefusedByTheHandshake() throws Exception {
        start(config(HEAD, nowhere(), first));
        RawClient c = track(RawClient.connect(gateway.address()));
        c.write(ClientHellos.offering(0x0303, 0x0005, 0x0004)); // TLS 1.2 with RC4 only

        Connection.Received r = c.readToEnd(PROMPT);
        assertThat(alert(r.data())).as("a fatal handshake_failure alert").isEqualTo(40);
        assertThat(r.ending()).isIn(Ending.EOF, Ending.RESET);
    }

    @Test
    void theCertificatePresentedIsTheOneForTheNameTheClientAskedFor() throws Exception {
        start(config(HEAD, nowhere(), first, second));

        assertThat(presented("b.test")).isEqualTo("CN=b.test");
        assertThat(presented(null)).as("no SNI: the first").isEqualTo("CN=a.test");
        assertThat(presented("c.test")).as("a name no certificate carries: the first").isEqualTo("CN=a.test");
    }

    @Test
    void aReloadPresentsTheNewCertificateToConnectionsAcceptedAfterIt() throws Exception {
        GatewayConfig.Builder config = config(HEAD, nowhere(), first);
        start(config);
        SSLSocket before = track(tlsSocket());
        before.startHandshake();

        gateway.reload(config.listenTls(new ListenTls(List.of(second))).build());
        assertThat(presented(null)).as("accepted after the reload").isEqualTo("CN=b.test");
        assertThat(((X509Certificate) before.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName())
                .as("a connection from before keeps its session").isEqualTo("CN=a.test");
    }

    @Test
    void alpnSettlesOnHttp11() throws Exception {
        start(config(HEAD, nowhere(), first));
        try (SSLSocket s = tlsSocket()) {
            SSLParameters p = s.getSSLParameters();
            p.setApplicationProtocols(new String[] {"h2", "http/1.1"});
            s.setSSLParameters(p);
            s.startHandshake();
            assertThat(s.getApplicationProtocol()).isEqualTo("http/1.1");
            assertThat(s.getSession().getProtocol()).isEqualTo("TLSv1.3");
        }
    }

    @Test
    void theClientsHalfCloseReachesTheBackendAsFinWhileTheBackendsBytesFlowOn() throws Exception {
        ScriptedBackend backend = track(ScriptedBackend.start(c -> { }));
        start(config(HEAD, backend.address(), first));
        SSLSocket client = track(tlsSocket());
        client.setEnabledProtocols(new String[] {"TLSv1.3"}); // 1.2 cannot half-close: see ClientTls
        BackendConnection b = upgrade(client);

        byte[] up = Frame.text("last words before my FIN").encode(true, random);
        client.getOutputStream().write(up);
        client.shutdownOutput(); // close_notify, then FIN

        Connection.Received upstream = b.readToEnd(PROMPT);
        assertThat(upstream.data()).isEqualTo(up);
        assertThat(upstream.ending()).as("the client's half-close, passed on as FIN").isEqualTo(Ending.EOF);

        byte[] payload = new byte[50_000];
        random.nextBytes(payload);
        byte[] down = Frame.binary(payload).encode(false, random);
        b.write(down);
        assertThat(client.getInputStream().readNBytes(down.length)).as("after the client's FIN").isEqualTo(down);
        b.shutdownOutput();
        assertThat(client.getInputStream().read()).as("the backend's FIN").isEqualTo(-1);
    }

    @Test
    void inTls12TheClientsHalfCloseStillReachesTheBackendButEndsTheOtherDirectionToo() throws Exception {
        ScriptedBackend backend = track(ScriptedBackend.start(c -> { }));
        start(config(HEAD, backend.address(), first));
        SSLSocket client = track(tlsSocket());
        client.setEnabledProtocols(new String[] {"TLSv1.2"});
        BackendConnection b = upgrade(client);

        client.shutdownOutput();
        assertThat(b.awaitEnd(PROMPT)).as("the client's half-close, passed on as FIN").isEqualTo(Ending.EOF);
        // RFC 5246 7.2.1: the JDK answers a TLS 1.2 close_notify with its own at once, so this is a full close
        assertThat(client.getInputStream().read()).as("the gateway's close_notify, answering the client's").isEqualTo(-1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void aGracefulTunnelEndReachesTheClientAsCloseNotify(String protocol) throws Exception {
        ScriptedBackend backend = track(ScriptedBackend.start(c -> { }));
        start(config(HEAD, backend.address(), first));
        EngineClient client = track(EngineClient.connect(gateway.address(), ca.clientContext(), protocol, PROMPT));
        assertThat(client.handshake()).isEqualTo(protocol);
        BackendConnection b = upgrade(client);

        byte[] down = Frame.text("goodbye").encode(false, random);
        b.write(down);
        b.shutdownOutput();

        EngineClient.Received r = client.readToEnd(PROMPT);
        assertThat(r.data()).isEqualTo(down);
        assertThat(r.ending()).as("close_notify before FIN, not a stream cut short")
                .isEqualTo(EngineClient.Ending.CLOSE_NOTIFY);
    }

    @Test
    void aDrainSaysGoodbyeWithACloseFrameAndCloseNotify() throws Exception {
        ScriptedBackend backend = track(ScriptedBackend.start(c -> { }));
        HeartbeatConfig.Leg never = new HeartbeatConfig.Leg(Duration.ofMinutes(10), Duration.ofMinutes(10));
        start(config(HEAD, backend.address(), first)
                .idleTimeout(Duration.ZERO).heartbeat(HeartbeatConfig.Mode.PING, never, never)
                .drain(PROMPT, Duration.ZERO));
        EngineClient client = track(EngineClient.connect(gateway.address(), ca.clientContext(), "TLSv1.3", PROMPT));
        client.handshake();
        BackendConnection b = upgrade(client);

        CompletableFuture<DrainReport> drained = gateway.drain();
        EngineClient.Received r = client.readToEnd(PROMPT);
        Frame close = new FrameReader(new ByteArrayInputStream(r.data())).read(false);
        assertThat(close.opcode()).isEqualTo(Frame.CLOSE);
        assertThat(close.closeCode()).isEqualTo(1001);
        assertThat(r.ending()).as("close_notify after the Close frame").isEqualTo(EngineClient.Ending.CLOSE_NOTIFY);

        client.close();
        b.close();
        drained.get(PROMPT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void aBackendResetReachesTheClientAsResetWithoutCloseNotify() throws Exception {
        ScriptedBackend backend = track(ScriptedBackend.start(c -> { }));
        start(config(HEAD, backend.address(), first));
        EngineClient client = track(EngineClient.connect(gateway.address(), ca.clientContext(), "TLSv1.3", PROMPT));
        client.handshake();
        BackendConnection b = upgrade(client);

        b.reset();
        assertThat(client.readToEnd(PROMPT).ending()).isEqualTo(EngineClient.Ending.RESET);
    }

    @Test
    void refusalsAndAdminPagesAreAnsweredOverTls() throws Exception {
        ScriptedBackend backend = track(ScriptedBackend.start(c -> { }));
        start(config(HEAD, backend.address(), first).clearRoutes()
                .route("/chat", BalancerKind.ROUND_ROBIN, List.of(backend.address())).admin(true));
        String upgradeElsewhere = HttpText.upgradeRequest("/elsewhere", "a.test", HttpText.newKey());
        String plainGet = "GET /chat HTTP/1.1\r\nHost: a.test\r\n\r\n";
        String health = "GET /healthz HTTP/1.1\r\nHost: a.test\r\n\r\n";

        assertThat(answer(upgradeElsewhere)).startsWith("HTTP/1.1 404 ");
        assertThat(answer(plainGet)).startsWith("HTTP/1.1 426 ");
        assertThat(answer(health)).startsWith("HTTP/1.1 200 ").endsWith("\r\n\r\nok\n");
        assertThat(backend.connections()).as("none of them reached the backend").isZero();
    }

    /** The whole answer to {@code request} on a connection of its own, which must end with close_notify. */
    private String answer(String request) throws Exception {
        try (EngineClient c = EngineClient.connect(gateway.address(), ca.clientContext(), "TLSv1.3", PROMPT)) {
            c.handshake();
            c.send(request.getBytes(ISO_8859_1));
            EngineClient.Received r = c.readToEnd(PROMPT);
            String asked = request.lines().findFirst().orElseThrow();
            assertThat(r.ending()).as("the answer to " + asked + " ends with close_notify")
                    .isEqualTo(EngineClient.Ending.CLOSE_NOTIFY);
            return new String(r.data(), ISO_8859_1);
        }
    }

    /** Every path routed to {@code backend}; deadlines suited to tests. */
    private GatewayConfig.Builder config(Duration headTimeout, InetSocketAddress backend,
                                         ServerCertificate... certificates) {
        return GatewayConfig.builder()
                .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .listenTls(new ListenTls(List.of(certificates)))
                .headTimeout(headTimeout)
                .connectTimeout(Duration.ofSeconds(1))
                .handshakeTimeout(Duration.ofSeconds(2))
                .route("/", BalancerKind.ROUND_ROBIN, List.of(backend));
    }

    /** For the tests whose clients never get as far as a backend: a port nothing listens on. */
    private static InetSocketAddress nowhere() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return (InetSocketAddress) s.getLocalSocketAddress();
        }
    }

    private void start(GatewayConfig.Builder config) throws IOException {
        gateway = BlockingGateway.start(config.build());
    }

    private WebSocket wss(String path, Messages messages) throws Exception {
        HttpClient http = track(HttpClient.newBuilder().sslContext(ca.clientContext()).connectTimeout(PROMPT).build());
        URI uri = URI.create("wss://127.0.0.1:" + gateway.address().getPort() + path);
        WebSocket ws = http.newWebSocketBuilder().connectTimeout(PROMPT).buildAsync(uri, messages)
                .get(PROMPT.toMillis(), TimeUnit.MILLISECONDS);
        track(ws::abort); // before the client closes, which would otherwise wait for it
        return ws;
    }

    /** A TLS client socket, connected and trusting the test's CA, its handshake not begun. */
    private SSLSocket tlsSocket() throws IOException {
        SSLSocket s = (SSLSocket) ca.clientContext().getSocketFactory().createSocket();
        s.connect(gateway.address(), (int) PROMPT.toMillis());
        s.setSoTimeout((int) PROMPT.toMillis());
        return s;
    }

    /** The subject of the certificate the gateway presents to a client sending {@code name} by SNI, or none. */
    private String presented(String name) throws IOException {
        try (SSLSocket s = tlsSocket()) {
            SSLParameters p = s.getSSLParameters();
            p.setServerNames(name == null ? List.of() : List.of(new SNIHostName(name)));
            s.setSSLParameters(p);
            s.startHandshake();
            return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSubjectX500Principal().getName();
        }
    }

    /** Opens a tunnel through the gateway to the backend's next connection, which it returns. */
    private BackendConnection upgrade(SSLSocket client) throws Exception {
        client.getOutputStream().write(upgradeRequest());
        BackendConnection b = acceptNext();
        String head = new String(HttpText.readHead(client.getInputStream()), ISO_8859_1);
        assertThat(head).startsWith("HTTP/1.1 101 ");
        return b;
    }

    private BackendConnection upgrade(EngineClient client) throws Exception {
        client.send(upgradeRequest());
        BackendConnection b = acceptNext();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(ISO_8859_1).endsWith("\r\n\r\n")) {
            byte[] one = client.read(1, PROMPT);
            assertThat(one).as("the 101, whole").hasSize(1);
            head.writeBytes(one);
        }
        assertThat(head.toString(ISO_8859_1)).startsWith("HTTP/1.1 101 ");
        return b;
    }

    private static byte[] upgradeRequest() {
        return HttpText.upgradeRequest("/chat", "a.test", HttpText.newKey()).getBytes(ISO_8859_1);
    }

    private BackendConnection acceptNext() throws Exception {
        ScriptedBackend backend = peers.stream()
                .filter(ScriptedBackend.class::isInstance).map(ScriptedBackend.class::cast).findFirst().orElseThrow();
        BackendConnection b = track(backend.awaitConnection(PROMPT));
        b.accept();
        return b;
    }

    /** A ClientHello of this JDK's, as its first flight. */
    private static byte[] clientHello() throws IOException {
        SSLEngine engine = ca.clientContext().createSSLEngine("a.test", 443);
        engine.setUseClientMode(true);
        engine.beginHandshake();
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), out);
        return Arrays.copyOf(out.array(), out.position());
    }

    private interface Sender {
        void send(byte[] bytes, int offset, int length) throws IOException;
    }

    private interface EndWatch {
        Ending await() throws IOException;
    }

    /**
     * Sends {@code bytes} one at a time, {@link #TRICKLE} apart, while another thread waits for the
     * gateway to end the connection; stops at that end. Returns how many bytes went before it.
     */
    private int trickle(Sender to, byte[] bytes, EndWatch end) throws Exception {
        CompletableFuture<Ending> ended = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                ended.complete(end.await());
            } catch (Throwable t) {
                ended.completeExceptionally(t);
            }
        });
        int sent = 0;
        while (sent < bytes.length && !ended.isDone()) {
            try {
                to.send(bytes, sent, 1);
            } catch (IOException closed) {
                break;
            }
            sent++;
            TestTime.pace(TRICKLE); // the traffic itself, not a wait for the gateway
        }
        assertThat(ended.get(SHORT_HEAD.plus(SLACK).plus(PROMPT).toMillis(), TimeUnit.MILLISECONDS))
                .as("the gateway closed the connection").isNotEqualTo(Ending.OPEN);
        return sent;
    }

    private int trickle(RawClient c, byte[] bytes, EndWatch end) throws Exception {
        return trickle((b, off, len) -> c.write(Arrays.copyOfRange(b, off, off + len)), bytes, end);
    }

    /** The description of the single fatal alert {@code data} holds, or -1 if it is anything else. */
    private static int alert(byte[] data) {
        boolean oneFatalAlert = data.length == 7 && data[0] == 0x15 && data[3] == 0 && data[4] == 2 && data[5] == 2;
        return oneFatalAlert ? data[6] & 0xff : -1;
    }

    private <T extends AutoCloseable> T track(T peer) {
        peers.push(peer);
        return peer;
    }

    /** ClientHellos of one's own making, for offers this JDK will not make. */
    private static final class ClientHellos {
        /** A ClientHello (no extensions) for {@code version} (0x0302 for TLS 1.1), offering {@code suites}. */
        static byte[] offering(int version, int... suites) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.write(version >> 8);
            body.write(version);
            byte[] nonce = new byte[32];
            new Random().nextBytes(nonce);
            body.writeBytes(nonce);
            body.write(0); // no session to resume
            body.write(suites.length * 2 >> 8);
            body.write(suites.length * 2);
            for (int s : suites) {
                body.write(s >> 8);
                body.write(s);
            }
            body.write(1); // one compression method: none
            body.write(0);
            byte[] hello = body.toByteArray();
            ByteArrayOutputStream record = new ByteArrayOutputStream();
            record.writeBytes(new byte[] {0x16, 0x03, 0x01}); // handshake record, as any client sends its first
            int length = hello.length + 4;
            record.write(length >> 8);
            record.write(length);
            record.write(1); // client_hello
            record.write(0);
            record.write(hello.length >> 8);
            record.write(hello.length);
            record.writeBytes(hello);
            return record.toByteArray();
        }
    }

    /** The JDK WebSocket's callbacks as a queue of whole messages. */
    private static final class Messages implements WebSocket.Listener {
        private final BlockingQueue<WsEvent> events = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        WsEvent next() throws InterruptedException {
            WsEvent e = events.poll(PROMPT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(e).as("a WebSocket event within " + PROMPT.toMillis() + " ms").isNotNull();
            return e;
        }

        WsEvent nextOtherThanPing() throws InterruptedException {
            WsEvent e = next();
            while (e instanceof WsEvent.Ping) {
                e = next();
            }
            return e;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                events.add(new WsEvent.Text(text.toString()));
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                events.add(new WsEvent.Binary(binary.toByteArray()));
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
            byte[] payload = new byte[message.remaining()];
            message.get(payload);
            events.add(new WsEvent.Ping(payload));
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            events.add(new WsEvent.Closed(code, reason));
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            events.add(new WsEvent.Failed(error));
        }
    }
}
