package dev.anchor.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anchor.conformance.Await;
import dev.anchor.conformance.Background;
import dev.anchor.conformance.TestTime;
import dev.anchor.conformance.peers.BackendConnection;
import dev.anchor.conformance.peers.Connection;
import dev.anchor.conformance.peers.Ending;
import dev.anchor.conformance.peers.HttpText;
import dev.anchor.conformance.peers.Payloads;
import dev.anchor.conformance.peers.RawClient;
import dev.anchor.conformance.peers.ScriptedBackend;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.config.ListenTls;
import dev.anchor.core.config.ServerCertificate;
import dev.anchor.core.gateway.GatewayStatus;
import dev.anchor.core.route.BalancerKind;
import dev.anchor.core.tls.LocalCa;
import dev.anchor.echo.EchoServer;
import io.netty.channel.epoll.Epoll;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;
import java.util.function.UnaryOperator;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * TLS on the client leg, end to end on each transport the module runs: real clients (the JDK's
 * WebSocket client, SSLSockets, raw bytes where a JDK client would refuse to send them) against
 * the gateway in this process, with certificates a {@link LocalCa} makes for the run.
 *
 * <p>Whether a stream ended with close_notify or was cut short is something an SSLSocket only
 * tells apart with {@code com.sun.net.ssl.requireCloseNotify=true} (the module's pom sets it):
 * otherwise the JDK reads a bare FIN as a clean end too, and the tests of endings would prove nothing.
 */
class TlsClientLegTest {
    private static final Duration PROMPT = TestTime.PROMPT;
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    /** Smaller than one TLS record (16 KiB): a record takes several reads, one read never holds one whole. */
    private static final int TUNNEL_BUFFER = 4 * 1024;

    private static LocalCa ca;
    private static ServerCertificate gatewayCertificate;
    private static LocalCa.Issued forA;
    private static ServerCertificate certificateA;
    private static ServerCertificate certificateB;

    private final List<AutoCloseable> open = new ArrayList<>();
    /** The module's per-connection lines: one for each connection TLS refused, and no other. */
    private final LogLines connectionLog = new LogLines(TlsLeg.class.getPackageName());

    @BeforeAll
    static void certificates(@TempDir Path dir) {
        ca = LocalCa.create("anchor test CA", Duration.ofDays(1));
        ca.issue(Duration.ofDays(1), LOOPBACK.getHostAddress(), "localhost").write(dir.resolve("gw.pem"), dir.resolve("gw.key"));
        gatewayCertificate = ServerCertificate.pem("listen.tls.certificates[0]", dir.resolve("gw.pem"), dir.resolve("gw.key"), null);
        forA = ca.issue(Duration.ofDays(1), "a.test");
        forA.write(dir.resolve("a.pem"), dir.resolve("a.key"));
        ca.issue(Duration.ofDays(1), "b.test").write(dir.resolve("b.pem"), dir.resolve("b.key"));
        certificateA = ServerCertificate.pem("listen.tls.certificates[0]", dir.resolve("a.pem"), dir.resolve("a.key"), null);
        certificateB = ServerCertificate.pem("listen.tls.certificates[1]", dir.resolve("b.pem"), dir.resolve("b.key"), null);
    }

    static Stream<String> transports() {
        return Epoll.isAvailable() ? Stream.of("epoll", "nio") : Stream.of("nio");
    }

    @BeforeEach
    void watchTheLog() {
        connectionLog.start();
    }

    @AfterEach
    void closeEverything() throws Exception {
        connectionLog.stop();
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    // --- 1: a real client, through and back ----------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void aWssClientsMessagesComeBackByteForByte(String transport) throws Exception {
        EchoServer echo = track(EchoServer.start());
        NettyGateway gateway = start(transport, echo.address(), b -> b.tunnelBuffer(TUNNEL_BUFFER), gatewayCertificate);
        HttpClient http = HttpClient.newBuilder().sslContext(ca.clientContext()).connectTimeout(PROMPT).build();
        track(http::shutdownNow);
        Messages messages = new Messages();
        WebSocket ws = http.newWebSocketBuilder().connectTimeout(PROMPT)
                .buildAsync(URI.create("wss://" + LOOPBACK.getHostAddress() + ":" + gateway.address().getPort() + "/echo"), messages)
                .get(PROMPT.toMillis(), TimeUnit.MILLISECONDS);

        String text = "héllo, wörld ✓ " + "x".repeat(3000);
        ws.sendText(text, true).get(PROMPT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(messages.next()).isEqualTo(text);

        byte[] small = random(1, 200);
        ws.sendBinary(ByteBuffer.wrap(small), true).get(PROMPT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat((byte[]) messages.next()).isEqualTo(small);

        // 256 times tunnel.buffer, 64 records each way: some of the gateway's wakeups complete a
        // record and then read only part of the next, which once left the relay waiting for a read
        byte[] large = random(2, 1 << 20);
        ws.sendBinary(ByteBuffer.wrap(large), true).get(PROMPT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat((byte[]) messages.next()).isEqualTo(large);

        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(PROMPT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(messages.next()).isEqualTo("closed 1000");
        assertThat(connectionLog.lines()).as("nothing went wrong in TLS").isEmpty();
    }

    // --- 2 and 3: what is not TLS, or not finished ------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void plaintextHttpToTheTlsPortIsClosedAtOnceAndLoggedOnce(String transport) throws Exception {
        NettyGateway gateway = start(transport, unreachable(), b -> b, gatewayCertificate); // head timeout 10 s
        try (RawClient client = RawClient.connect(gateway.address())) {
            client.write("GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n");
            Connection.Received r = client.readToEnd(PROMPT);
            assertThat(r.ending()).as("closed well before timeouts.head").isNotEqualTo(Ending.OPEN);
            assertThat(new String(r.data(), StandardCharsets.ISO_8859_1)).as("no plaintext answer").doesNotContain("HTTP/");
            String from = client.localAddress().getAddress().getHostAddress() + ":" + client.localAddress().getPort();
            List<String> lines = connectionLog.await(1);
            assertThat(lines).singleElement().asString().startsWith(TlsLeg.class.getName()).contains(from).contains("not TLS");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void aClientThatNeverFinishesItsHandshakeIsClosedAtTheHeadTimeout(String transport) throws Exception {
        Duration head = Duration.ofSeconds(1);
        NettyGateway gateway = start(transport, unreachable(), b -> b.headTimeout(head), gatewayCertificate);
        try (RawClient silent = RawClient.connect(gateway.address());
             RawClient partial = RawClient.connect(gateway.address())) {
            long started = System.nanoTime();
            byte[] hello = ClientHello.of(0x0303, 0xC02B);
            partial.write(Arrays.copyOf(hello, hello.length - 10)); // all but the end of its first record
            Connection.Received fromSilent = silent.readToEnd(PROMPT.plus(head));
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            Connection.Received fromPartial = partial.readToEnd(PROMPT.plus(head));
            assertThat(fromSilent.ending()).as("a client that sends nothing").isNotEqualTo(Ending.OPEN);
            assertThat(fromPartial.ending()).as("a client that stops in its ClientHello").isNotEqualTo(Ending.OPEN);
            assertThat(waited).as("not before timeouts.head").isGreaterThanOrEqualTo(head.toMillis() - 100);
        }
        assertThat(connectionLog.await(2)).hasSize(2).allSatisfy(line -> assertThat(line).contains("closed before the handshake finished"));
    }

    // --- 4: refused by the handshake ------------------------------------------------------------

    /**
     * Raw ClientHellos, because the JDK's own client refuses to offer TLS 1.1 at all (RFC 8996, in
     * its jdk.tls.disabledAlgorithms): an SSLSocket restricted to it fails before it sends a byte,
     * and would prove nothing about the gateway.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void tls11AndNoCommonCipherAreRefusedByTheHandshake(String transport) throws Exception {
        NettyGateway gateway = start(transport, unreachable(), b -> b, gatewayCertificate);
        int protocolVersion = 70;
        int handshakeFailure = 40;
        // TLS 1.1, with suites it would have in common (ECDHE-ECDSA with AES-CBC and SHA-1)
        String old = assertRefusedWith(gateway, ClientHello.of(0x0302, 0xC009, 0xC00A), protocolVersion);
        // TLS 1.2 offering only RSA key exchange: the gateway's certificate is ECDSA
        String odd = assertRefusedWith(gateway, ClientHello.of(0x0303, 0x002F, 0x0035), handshakeFailure);
        List<String> lines = connectionLog.await(2);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("TLS handshake with /" + old + " failed");
        assertThat(lines.get(1)).contains("TLS handshake with /" + odd + " failed");
    }

    /** Sends {@code clientHello}, expects a fatal {@code alert} and a close; returns where the client was. */
    private static String assertRefusedWith(NettyGateway gateway, byte[] clientHello, int alert) throws IOException {
        try (RawClient client = RawClient.connect(gateway.address())) {
            client.write(clientHello);
            Connection.Received r = client.readToEnd(PROMPT);
            assertThat(r.ending()).as("closed after the alert").isNotEqualTo(Ending.OPEN);
            byte[] d = r.data();
            assertThat(d.length).as("an alert record").isGreaterThanOrEqualTo(7);
            assertThat(d[0]).as("record type: alert").isEqualTo((byte) 21);
            assertThat(d[5]).as("level: fatal").isEqualTo((byte) 2);
            assertThat(d[6] & 0xff).as("alert description").isEqualTo(alert);
            return client.localAddress().getAddress().getHostAddress() + ":" + client.localAddress().getPort();
        }
    }

    // --- 5: which certificate -------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void sniChoosesTheCertificateAndNoSniGetsTheFirst(String transport) throws Exception {
        NettyGateway gateway = start(transport, unreachable(), b -> b, certificateA, certificateB);
        assertThat(names(presented(gateway, List.of(new SNIHostName("b.test"))))).containsExactly("b.test");
        assertThat(names(presented(gateway, List.of(new SNIHostName("a.test"))))).containsExactly("a.test");
        X509Certificate withoutSni = presented(gateway, List.of());
        assertThat(withoutSni).isEqualTo(forA.chain()[0]);
    }

    private X509Certificate presented(NettyGateway gateway, List<SNIServerName> sni) throws Exception {
        try (SSLSocket s = tlsSocket(gateway, "TLSv1.3")) {
            SSLParameters p = s.getSSLParameters();
            p.setServerNames(sni);
            s.setSSLParameters(p);
            s.startHandshake();
            return (X509Certificate) s.getSession().getPeerCertificates()[0];
        }
    }

    private static List<String> names(X509Certificate c) throws Exception {
        return c.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList();
    }

    // --- 6: endings -----------------------------------------------------------------------------

    /** How a client ends its stream: as SSLSocket.shutdownOutput does, or with half of that. */
    enum ClientEnd {
        /** TLS 1.3's half-close, SSLSocket.shutdownOutput on a socket of its own: close_notify, then FIN. */
        CLOSE_NOTIFY_AND_FIN,
        /** SSLSocket.shutdownOutput layered over a socket it does not own: close_notify, and TCP stays open. */
        CLOSE_NOTIFY_ALONE,
        /** A FIN with no close_notify before it, as a client that cuts its TLS stream short sends. */
        FIN_ALONE
    }

    static Stream<Arguments> transportsAndEnds() {
        return transports().flatMap(t -> Stream.of(ClientEnd.values()).map(e -> Arguments.of(t, e)));
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("transportsAndEnds")
    void theClientsHalfCloseReachesTheBackendAsFinAndTheEndBringsCloseNotify(String transport, ClientEnd end) throws Exception {
        requireCloseNotifyStrict();
        byte[] up = random(3, 10_000);
        byte[] down = random(4, 200_000);
        CompletableFuture<Connection.Received> backendSaw = new CompletableFuture<>();
        ScriptedBackend backend = track(ScriptedBackend.start(c -> {
            c.accept();
            Connection.Received r = c.readToEnd(PROMPT);
            backendSaw.complete(r);
            c.write(down); // after the client's FIN: this direction is still open
            c.close();
        }));
        NettyGateway gateway = start(transport, backend.address(), b -> b.tunnelBuffer(TUNNEL_BUFFER), gatewayCertificate);
        Socket plain = track(connect(gateway));
        SSLSocket tls = tlsSocket(plain, "TLSv1.3", end != ClientEnd.CLOSE_NOTIFY_ALONE);
        try (TlsClient client = TlsClient.upgraded(tls)) {
            client.write(up);
            if (end == ClientEnd.FIN_ALONE) {
                plain.shutdownOutput();
            } else {
                client.shutdownOutput(); // TLS 1.3: the client's input stays open
            }

            Connection.Received atBackend = backendSaw.get(PROMPT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(atBackend.ending()).as("the client's end reached the backend as FIN").isEqualTo(Ending.EOF);
            assertThat(atBackend.data()).isEqualTo(up);

            // the backend's bytes, then its FIN as close_notify and FIN: a truncated stream would throw here
            Connection.Received atClient = client.readToEnd(PROMPT);
            assertThat(atClient.data()).isEqualTo(down);
            assertThat(atClient.ending()).as("ended by close_notify").isEqualTo(Ending.EOF);
        }
        assertThat(backend.failures()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void theBackendsFinReachesTheClientAsCloseNotifyAndTheClientGoesOnSending(String transport) throws Exception {
        requireCloseNotifyStrict();
        byte[] down = random(7, 100_000);
        byte[] up = random(8, 100_000);
        CompletableFuture<Connection.Received> backendSaw = new CompletableFuture<>();
        ScriptedBackend backend = track(ScriptedBackend.start(c -> {
            c.accept();
            c.write(down);
            c.shutdownOutput();
            backendSaw.complete(c.readToEnd(PROMPT));
        }));
        NettyGateway gateway = start(transport, backend.address(), b -> b.tunnelBuffer(TUNNEL_BUFFER), gatewayCertificate);
        try (TlsClient client = TlsClient.upgraded(tlsSocket(gateway, "TLSv1.3"))) {
            Connection.Received atClient = client.readToEnd(PROMPT);
            assertThat(atClient.data()).isEqualTo(down);
            assertThat(atClient.ending()).as("the backend's FIN reached the client as close_notify").isEqualTo(Ending.EOF);

            client.write(up); // TLS 1.3: the client's direction is still open
            client.shutdownOutput();
            Connection.Received atBackend = backendSaw.get(PROMPT.toMillis(), TimeUnit.MILLISECONDS);
            assertThat(atBackend.data()).isEqualTo(up);
            assertThat(atBackend.ending()).isEqualTo(Ending.EOF);
        }
        assertThat(backend.failures()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void bytesSentBehindTheHeadReachTheBackendAfterIts101(String transport) throws Exception {
        byte[] behind = random(9, 3000);
        CompletableFuture<byte[]> backendSaw = new CompletableFuture<>();
        ScriptedBackend backend = track(ScriptedBackend.start(c -> {
            c.accept();
            backendSaw.complete(c.readExactly(behind.length));
            c.write(new byte[] {42});
        }));
        NettyGateway gateway = start(transport, backend.address(), b -> b, gatewayCertificate);
        try (TlsClient client = TlsClient.upgraded(tlsSocket(gateway, "TLSv1.3"), behind)) {
            // decrypted once, with the head, and handed to the relay as they are
            assertThat(backendSaw.get(PROMPT.toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(behind);
            assertThat(client.readExactly(1)).containsExactly(42);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void aBackendsResetReachesTheClientAsResetWithoutCloseNotify(String transport) throws Exception {
        requireCloseNotifyStrict();
        byte[] before = random(5, 1000);
        ScriptedBackend backend = track(ScriptedBackend.start(c -> {
            c.accept();
            c.write(before);
            c.readExactly(1); // the client has read what came before
            c.reset();
        }));
        NettyGateway gateway = start(transport, backend.address(), b -> b, gatewayCertificate);
        try (TlsClient client = TlsClient.upgraded(tlsSocket(gateway, "TLSv1.3"))) {
            assertThat(client.readExactly(before.length)).isEqualTo(before);
            client.write(new byte[] {1});
            assertThat(client.awaitEnd(PROMPT)).isEqualTo(Ending.RESET);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void theGatewaysOwnPageIsAnsweredOverTlsAndEndsWithCloseNotify(String transport) throws Exception {
        requireCloseNotifyStrict();
        NettyGateway gateway = start(transport, unreachable(), b -> b, gatewayCertificate);
        try (TlsClient client = new TlsClient(tlsSocket(gateway, "TLSv1.2"))) {
            client.write("GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n");
            Connection.Received r = client.readToEnd(PROMPT);
            String answer = new String(r.data(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 200").endsWith("\r\n\r\nok\n");
            assertThat(r.ending()).as("ended by close_notify").isEqualTo(Ending.EOF);
        }
    }

    // --- backpressure ----------------------------------------------------------------------------

    /**
     * The relay's bound holds over TLS, both ways: a peer that reads nothing stops the gateway
     * reading the other, which then stops writing; meanwhile the gateway holds at most one read's
     * worth for it (toward the backend, one record more: a read can complete a record whose first
     * part SslHandler held). Then the reader reads, and the stream resumes, in order.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("transports")
    void aReaderThatReadsNothingStopsTheWriterAndTheGatewayHoldsOneReadForIt(String transport) throws Exception {
        CompletableFuture<BackendConnection> atBackend = new CompletableFuture<>();
        ScriptedBackend backend = track(ScriptedBackend.start(c -> {
            c.accept();
            atBackend.complete(c);
        }));
        NettyGateway gateway = start(transport, backend.address(), b -> b.tunnelBuffer(TUNNEL_BUFFER), gatewayCertificate);
        TlsClient client = track(TlsClient.upgraded(tlsSocket(gateway, "TLSv1.3")));
        BackendConnection server = atBackend.get(PROMPT.toMillis(), TimeUnit.MILLISECONDS);

        floodAReaderThatWaits(gateway, server, client, t -> t.downstream().peakBuffered(), TUNNEL_BUFFER);
        floodAReaderThatWaits(gateway, client, server, t -> t.upstream().peakBuffered(), TUNNEL_BUFFER + RECORD);
    }

    /** The most plaintext one TLS record carries. */
    private static final int RECORD = 16 * 1024;
    /** More than the four sockets' kernel buffers take in, with Linux's defaults. */
    private static final long FLOOD = 256L << 20;

    private void floodAReaderThatWaits(NettyGateway gateway, Connection writer, Connection reader,
                                       ToLongFunction<GatewayStatus.TunnelStatus> held, long bound)
            throws Exception {
        AtomicLong written = new AtomicLong();
        Future<Void> flood = Background.start("flood", () -> {
            Payloads.sendFrames(writer, FLOOD, 1 << 20, written);
            return null;
        });
        track(() -> flood.cancel(true));
        long[] last = {-1};
        int[] still = {0};
        Await.until("the writer to stall because the gateway stopped reading", PROMPT.multipliedBy(4), () -> {
            long now = written.get();
            assertThat(now).as("bytes taken while the reader read nothing").isLessThan(FLOOD);
            still[0] = now == last[0] ? still[0] + 1 : 0;
            last[0] = now;
            TestTime.pace(Duration.ofMillis(50));
            return still[0] >= 6;
        });
        long peak = held.applyAsLong(gateway.status().tunnelList().get(0));
        assertThat(peak).as("the gateway's peak of bytes held for a reader that reads nothing").isPositive().isLessThanOrEqualTo(bound);
        Payloads.receiveFrames(reader, 4L << 20); // and on it goes, every byte in order
    }

    // --- the peers --------------------------------------------------------------------------------

    private NettyGateway start(String transport, InetSocketAddress backend, UnaryOperator<GatewayConfig.Builder> tweak,
                               ServerCertificate... certificates) throws IOException {
        GatewayConfig config = tweak.apply(GatewayConfig.builder()
                .implementation("netty")
                .listen(new InetSocketAddress(LOOPBACK, 0))
                .listenTls(new ListenTls(List.of(certificates)))
                .route("/", BalancerKind.ROUND_ROBIN, List.of(backend)))
                .build();
        return track(NettyGateway.start(config, transport.equals("epoll") ? Transport.epoll() : Transport.nio()));
    }

    /** A backend address nothing listens on, for the tests that never reach one. */
    private static InetSocketAddress unreachable() {
        return new InetSocketAddress(LOOPBACK, 9);
    }

    private SSLSocket tlsSocket(NettyGateway gateway, String protocol) throws IOException {
        return tlsSocket(connect(gateway), protocol, true);
    }

    private static Socket connect(NettyGateway gateway) throws IOException {
        Socket plain = new Socket();
        plain.connect(gateway.address(), (int) PROMPT.toMillis());
        return plain;
    }

    /**
     * An SSLSocket layered on {@code plain}, with no host name, so no SNI unless a test sets one.
     * {@code owns}: whether it closes and shuts down {@code plain} with itself.
     */
    private static SSLSocket tlsSocket(Socket plain, String protocol, boolean owns) throws IOException {
        SSLSocket s = (SSLSocket) ca.clientContext().getSocketFactory().createSocket(plain, null, plain.getPort(), owns);
        s.setEnabledProtocols(new String[] {protocol});
        s.setSoTimeout((int) PROMPT.toMillis());
        return s;
    }

    private static void requireCloseNotifyStrict() {
        assertThat(Boolean.getBoolean("com.sun.net.ssl.requireCloseNotify"))
                .as("run with -Dcom.sun.net.ssl.requireCloseNotify=true (the module's pom does), or an SSLSocket "
                        + "reads a bare FIN as a clean end and these tests cannot see a missing close_notify")
                .isTrue();
    }

    private <T extends AutoCloseable> T track(T closeable) {
        open.add(closeable);
        return closeable;
    }

    private static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A client over an SSLSocket, with the suite's raw-connection reading (endings included). */
    private static final class TlsClient extends Connection {
        TlsClient(SSLSocket socket) throws IOException {
            super(socket, true);
            socket.startHandshake();
        }

        /** Connected, and upgraded to a tunnel: the gateway said 101. */
        static TlsClient upgraded(SSLSocket socket) throws IOException {
            return upgraded(socket, new byte[0]);
        }

        /** Upgraded, having sent {@code behind} in the same write as the request head, before the 101. */
        static TlsClient upgraded(SSLSocket socket, byte[] behind) throws IOException {
            TlsClient c = new TlsClient(socket);
            String key = HttpText.newKey();
            c.write(Payloads.concat(HttpText.upgradeRequest("/", "gateway", key).getBytes(StandardCharsets.ISO_8859_1), behind));
            String head = new String(HttpText.readHead(c.in), StandardCharsets.ISO_8859_1);
            assertThat(head).startsWith("HTTP/1.1 101").contains(HttpText.accept(key));
            return c;
        }
    }

    /** The JDK WebSocket client's messages, whole, in order; a close as "closed <code>". */
    private static final class Messages implements WebSocket.Listener {
        private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        Object next() throws InterruptedException {
            Object m = received.poll(PROMPT.toMillis(), TimeUnit.MILLISECONDS);
            if (m == null) {
                throw new AssertionError("no message within " + PROMPT.toMillis() + " ms");
            }
            if (m instanceof Throwable t) {
                throw new AssertionError("the WebSocket failed", t);
            }
            return m;
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                received.add(text.toString());
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
                received.add(binary.toByteArray());
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            received.add("closed " + code);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            received.add(error);
        }
    }

    /** A TLS ClientHello record with nothing but a version and cipher suites: what an old or odd client sends. */
    private static final class ClientHello {
        static byte[] of(int version, int... suites) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            body.write(version >> 8);
            body.write(version);
            body.writeBytes(random(6, 32)); // random
            body.write(0); // no session id
            body.write(suites.length * 2 >> 8);
            body.write(suites.length * 2);
            for (int s : suites) {
                body.write(s >> 8);
                body.write(s);
            }
            body.write(1); // one compression method: none
            body.write(0);
            byte[] b = body.toByteArray();
            ByteArrayOutputStream record = new ByteArrayOutputStream();
            record.writeBytes(new byte[] {22, 3, 1, (byte) (b.length + 4 >> 8), (byte) (b.length + 4)});
            record.writeBytes(new byte[] {1, (byte) (b.length >> 16), (byte) (b.length >> 8), (byte) b.length});
            record.writeBytes(b);
            return record.toByteArray();
        }
    }

    /** What a logger and those beneath it say at FINE (System.Logger's DEBUG), the level of per-connection events. */
    private static final class LogLines extends Handler {
        private final Logger logger;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        private Level before;

        LogLines(String name) {
            this.logger = Logger.getLogger(name);
        }

        void start() {
            before = logger.getLevel();
            logger.setLevel(Level.FINE);
            logger.addHandler(this);
        }

        void stop() {
            logger.removeHandler(this);
            logger.setLevel(before);
        }

        List<String> lines() {
            return List.copyOf(lines);
        }

        /** Waits for {@code n} lines, then returns every line so far. */
        List<String> await(int n) {
            return Await.until(n + " log line(s) from " + logger.getName(), PROMPT,
                    this::lines, l -> l.size() >= n);
        }

        @Override
        public void publish(LogRecord r) {
            if (r.getLevel() == Level.FINE) {
                lines.add(r.getLoggerName() + ": " + r.getMessage());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }
}
