package dev.anchor.nio;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anchor.conformance.Await;
import dev.anchor.conformance.peers.HttpText;
import dev.anchor.conformance.peers.ScriptedBackend;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.config.HeartbeatConfig;
import dev.anchor.core.config.ListenTls;
import dev.anchor.core.config.ServerCertificate;
import dev.anchor.core.route.BalancerKind;
import dev.anchor.core.tls.LocalCa;
import dev.anchor.echo.EchoServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nio gateway with {@code listen.tls}: certificates from a {@link LocalCa} made for the run, an
 * echo backend in process, and clients that speak TLS properly, badly, or not at all.
 */
class TlsClientLegTest {
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final Duration HEAD_TIMEOUT = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    private final LocalCa ca = LocalCa.create("anchor test CA", Duration.ofDays(1));
    private final List<AutoCloseable> closing = new ArrayList<>();
    private EchoServer echo;

    @BeforeEach
    void backend() throws InterruptedException {
        echo = EchoServer.start();
    }

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing.reversed()) {
            c.close();
        }
        echo.close();
    }

    @Test
    void wssFromTheJdkClientEchoesTextAndBinaryByteForByte() throws Exception {
        NioGateway gateway = start(tls("localhost", "127.0.0.1"), echo.address());
        HttpClient http = HttpClient.newBuilder().sslContext(ca.clientContext()).build();
        closing.add(http::shutdownNow);
        Collector received = new Collector();
        WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(URI.create("wss://localhost:" + gateway.address().getPort() + "/echo"), received)
                .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);

        ws.sendText("hello over TLS", true).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat(received.next()).isEqualTo("hello over TLS");

        byte[] large = new byte[1 << 20]; // 64 times tunnel.buffer: many records, many relay reads
        new Random(7).nextBytes(large);
        ws.sendBinary(ByteBuffer.wrap(large), true).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat((byte[]) received.next()).isEqualTo(large);

        for (int i = 0; i < 500; i++) { // small ones, a record each, echoed while the next ones come
            ws.sendBinary(ByteBuffer.wrap(new byte[] {(byte) i, (byte) (i >> 8), 42}), true)
                    .get(DEADLINE.toSeconds(), TimeUnit.SECONDS); // the JDK's client takes one send at a time
        }
        for (int i = 0; i < 500; i++) {
            assertThat((byte[]) received.next()).isEqualTo(new byte[] {(byte) i, (byte) (i >> 8), 42});
        }
        Await.until("an idle TLS tunnel holds no record buffer", DEADLINE, () -> recordsLent(gateway) == 0);
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat(received.closed.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
        Await.until("the gateway holds no client connection", DEADLINE,
                () -> gateway.runtime().connections().clientConnections() == 0);
    }

    @Test
    void heartbeatPingsReachATlsClientAndItsPongsKeepTheTunnelAlive() throws Exception {
        // a quiet client is pinged every 200 ms and must answer within 300: the JDK's client pongs by
        // itself, so a tunnel alive after three Pings is one whose Pings went in sealed, between frames,
        // and whose answers came back through the engine in time
        HeartbeatConfig.Leg fast = new HeartbeatConfig.Leg(Duration.ofMillis(200), Duration.ofMillis(300));
        NioGateway gateway = start(tls("localhost"), echo.address(),
                b -> b.heartbeat(HeartbeatConfig.Mode.PING, fast, HeartbeatConfig.Leg.DEFAULT));
        HttpClient http = HttpClient.newBuilder().sslContext(ca.clientContext()).build();
        closing.add(http::shutdownNow);
        Collector received = new Collector();
        WebSocket ws = http.newWebSocketBuilder()
                .buildAsync(URI.create("wss://localhost:" + gateway.address().getPort() + "/"), received)
                .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);

        Await.until("three Pings from the gateway", DEADLINE, () -> received.pings.get() >= 3);
        byte[] large = new byte[100_000]; // frames of several records each, scanned after decryption
        new Random(5).nextBytes(large);
        ws.sendBinary(ByteBuffer.wrap(large), true).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat((byte[]) received.next()).isEqualTo(large);
        assertThat(received.closed).as("the tunnel is alive").isEmpty();
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertThat(received.closed.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
    }

    @Test
    void plaintextHttpToTheTlsPortIsClosedNotHung() throws Exception {
        NioGateway gateway = start(tls("localhost"), echo.address());
        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        Logger log = Logger.getLogger(TlsWire.class.getName());
        Level was = log.getLevel();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                logged.add(java.text.MessageFormat.format(r.getMessage(), r.getParameters()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.setLevel(Level.FINE); // the module's per-connection level, DEBUG
        log.addHandler(handler);
        try (Socket s = plain(gateway)) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            long started = System.nanoTime();
            readToEnd(s);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(HEAD_TIMEOUT);
            String from = String.valueOf(s.getLocalPort());
            Await.until("a line about it", DEADLINE, () -> !logged.isEmpty());
            assertThat(logged).singleElement().asString().contains("TLS handshake", from);
        } finally {
            log.removeHandler(handler);
            log.setLevel(was);
        }
    }

    @Test
    void aConnectionThatNeverStartsTlsIsClosedAtTheHeadDeadline() throws Exception {
        NioGateway gateway = start(tls("localhost"), echo.address());
        try (Socket s = plain(gateway)) {
            long started = System.nanoTime();
            readToEnd(s);
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .isGreaterThanOrEqualTo(HEAD_TIMEOUT.minusMillis(50))
                    .isLessThan(DEADLINE);
        }
        Await.until("the gateway holds no client connection", DEADLINE,
                () -> gateway.runtime().connections().clientConnections() == 0);
    }

    @Test
    void aClientThatStopsInTheMiddleOfTheHandshakeIsClosedAtTheHeadDeadline() throws Exception {
        NioGateway gateway = start(tls("localhost"), echo.address());
        try (Socket s = plain(gateway)) {
            SSLEngine engine = ca.clientContext().createSSLEngine("localhost", gateway.address().getPort());
            engine.setUseClientMode(true);
            ByteBuffer hello = ByteBuffer.allocate(1 << 15);
            engine.wrap(ByteBuffer.allocate(0), hello); // the ClientHello, and then nothing more
            s.getOutputStream().write(hello.array(), 0, hello.position());
            long started = System.nanoTime();
            byte[] answer = readToEnd(s);
            assertThat(answer).as("the server's first flight").isNotEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - started))
                    .isGreaterThanOrEqualTo(HEAD_TIMEOUT.minusMillis(100))
                    .isLessThan(DEADLINE);
        }
        Await.until("the gateway holds no client connection", DEADLINE,
                () -> gateway.runtime().connections().clientConnections() == 0);
        Await.until("and no record buffer", DEADLINE, () -> recordsLent(gateway) == 0);
    }

    @Test
    void aTls11OnlyClientIsRefusedByTheHandshake() throws Exception {
        NioGateway gateway = start(tls("localhost"), echo.address());
        try (Socket s = plain(gateway)) {
            // written by hand: the JDK's own client will not offer TLS 1.1 at all any more
            s.getOutputStream().write(tls11ClientHello());
            byte[] answer = readToEnd(s);
            assertThat(answer).as("an alert record").hasSizeGreaterThanOrEqualTo(7);
            assertThat(answer[0]).as("content type alert").isEqualTo((byte) 21);
            assertThat(answer[5]).as("level fatal").isEqualTo((byte) 2);
            assertThat(answer[6]).as("protocol_version or handshake_failure").isIn((byte) 70, (byte) 40);
        }
    }

    @Test
    void sniChoosesTheCertificateAndNoNameGetsTheFirst() throws Exception {
        Path a = write(ca.issue(Duration.ofDays(1), "a.test"), "a");
        Path b = write(ca.issue(Duration.ofDays(1), "b.test"), "b");
        NioGateway gateway = start(new ListenTls(List.of(
                ServerCertificate.pem("listen.tls.certificates[0]", a.resolveSibling("a.pem"), a, null),
                ServerCertificate.pem("listen.tls.certificates[1]", b.resolveSibling("b.pem"), b, null))), echo.address());

        assertThat(presented(gateway, List.of(new SNIHostName("b.test")))).contains("b.test");
        assertThat(presented(gateway, List.of())).contains("a.test");
    }

    @Test
    void halfCloseReachesTheBackendAsFinAndTheEndIsACloseNotify() throws Exception {
        BlockingQueue<byte[]> heard = new LinkedBlockingQueue<>();
        ScriptedBackend backend = ScriptedBackend.start(c -> {
            c.accept();
            heard.add(c.readToEnd(DEADLINE).data()); // until the client's FIN, passed on
            c.write("still flowing after your FIN");
            c.shutdownOutput();
        });
        closing.add(backend);
        NioGateway gateway = start(tls("localhost"), backend.address());

        try (EngineClient client = new EngineClient(ca.clientContext(), gateway.address())) {
            assertThat(client.protocol()).isEqualTo("TLSv1.3");
            client.send(HttpText.upgradeRequest("/", "localhost", HttpText.newKey()));
            assertThat(client.readUntil("\r\n\r\n")).startsWith("HTTP/1.1 101");

            client.send("bytes, then FIN");
            client.shutdownOutput(); // close_notify, then FIN: TLS 1.3's half-close

            byte[] atBackend = heard.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertThat(atBackend).as("the backend's stream ended within the deadline").isNotNull();
            assertThat(new String(atBackend, StandardCharsets.US_ASCII)).isEqualTo("bytes, then FIN");
            assertThat(client.readToEnd()).isEqualTo("still flowing after your FIN");
            assertThat(client.closeNotified).as("the stream ended with a close_notify, not a bare FIN").isTrue();
            assertThat(client.rawRead()).as("and the FIN behind it").isEqualTo(-1);
        }
        assertThat(backend.failures()).isEmpty();
        Await.until("the tunnel is gone", DEADLINE, () -> gateway.runtime().connections().clientConnections() == 0);
    }

    @Test
    void recordsReadAheadOfTheRelayAreRelayedWithoutWaitingForTheSocket() throws Exception {
        byte[] data = new byte[64 * 1024]; // four records and more, behind the head, in one segment burst
        new Random(3).nextBytes(data);
        BlockingQueue<byte[]> heard = new LinkedBlockingQueue<>();
        ScriptedBackend backend = ScriptedBackend.start(c -> {
            c.accept();
            heard.add(c.readExactly(data.length));
        });
        closing.add(backend);
        NioGateway gateway = start(tls("localhost"), backend.address());

        try (EngineClient client = new EngineClient(ca.clientContext(), gateway.address())) {
            // all of it in one write, then silence: whatever the gateway read ahead and did not pass on
            // at once, the socket will never announce again
            client.sendAtOnce(HttpText.upgradeRequest("/", "localhost", HttpText.newKey()), data);
            byte[] atBackend = heard.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertThat(atBackend).as("all of it at the backend within the deadline").isEqualTo(data);
        }
    }

    @Test
    void aRefusalIsSealedAndEndsWithACloseNotify() throws Exception {
        NioGateway gateway = start(tls("localhost"), echo.address());
        try (EngineClient client = new EngineClient(ca.clientContext(), gateway.address())) {
            client.send("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"); // no upgrade asked for
            assertThat(client.readToEnd()).startsWith("HTTP/1.1 4");
            assertThat(client.closeNotified).isTrue();
        }
    }

    // -- the gateway and its certificates

    private NioGateway start(ListenTls tls, InetSocketAddress backend) throws IOException {
        return start(tls, backend, b -> { });
    }

    private NioGateway start(ListenTls tls, InetSocketAddress backend, Consumer<GatewayConfig.Builder> more)
            throws IOException {
        GatewayConfig.Builder config = GatewayConfig.builder()
                .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .listenTls(tls)
                .headTimeout(HEAD_TIMEOUT)
                .connectTimeout(Duration.ofSeconds(1))
                .handshakeTimeout(Duration.ofSeconds(2))
                .route("/", BalancerKind.ROUND_ROBIN, List.of(backend));
        more.accept(config);
        NioGateway g = NioGateway.start(config.build());
        closing.add(g);
        return g;
    }

    private ListenTls tls(String... names) {
        Path key = write(ca.issue(Duration.ofDays(1), names), "server");
        return new ListenTls(List.of(ServerCertificate.pem("listen.tls", key.resolveSibling("server.pem"), key, null)));
    }

    /** Writes {@code name}.pem and {@code name}.key; returns the key's path. */
    private Path write(LocalCa.Issued issued, String name) {
        Path key = dir.resolve(name + ".key");
        issued.write(dir.resolve(name + ".pem"), key);
        return key;
    }

    private static int recordsLent(NioGateway gateway) {
        try {
            return gateway.recordBuffersLent();
        } catch (Exception e) {
            throw new AssertionError("the loops did not count their buffers", e);
        }
    }

    // -- clients

    private static Socket plain(NioGateway gateway) throws IOException {
        Socket s = new Socket(gateway.address().getAddress(), gateway.address().getPort());
        s.setSoTimeout((int) DEADLINE.toMillis());
        return s;
    }

    private SSLSocket tlsSocket(NioGateway gateway, List<SNIServerName> names) throws IOException {
        SSLSocket s = (SSLSocket) ca.clientContext().getSocketFactory()
                .createSocket(gateway.address().getAddress(), gateway.address().getPort());
        SSLParameters p = s.getSSLParameters();
        p.setServerNames(names);
        s.setSSLParameters(p);
        return s;
    }

    /** The DNS names of the certificate the gateway presents for {@code names}. */
    private String presented(NioGateway gateway, List<SNIServerName> names) throws Exception {
        try (SSLSocket s = tlsSocket(gateway, names)) {
            s.setSoTimeout((int) DEADLINE.toMillis());
            s.startHandshake();
            X509Certificate leaf = (X509Certificate) s.getSession().getPeerCertificates()[0];
            return String.valueOf(leaf.getSubjectAlternativeNames());
        }
    }

    /** Everything until the gateway ends the stream, by FIN or by reset; fails on the deadline instead. */
    private static byte[] readToEnd(Socket s) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        try {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                got.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the gateway kept the connection open for " + DEADLINE.toMillis() + " ms", e);
        } catch (SocketException reset) {
            // closed with unread bytes: a reset is an end too
        }
        return got.toByteArray();
    }

    /** A ClientHello offering TLS 1.1 and nothing later, with two CBC suites of its time and no extensions. */
    private static byte[] tls11ClientHello() {
        ByteBuffer hello = ByteBuffer.allocate(52);
        hello.put(new byte[] {22, 3, 1, 0, 47}); // handshake record, TLS 1.0 on the record layer, 47 bytes
        hello.put(new byte[] {1, 0, 0, 43}); // client_hello, 43 bytes
        hello.put(new byte[] {3, 2}); // client_version TLS 1.1
        byte[] random = new byte[32];
        new Random(11).nextBytes(random);
        hello.put(random);
        hello.put((byte) 0); // no session id
        hello.put(new byte[] {0, 4, (byte) 0xc0, 0x09, 0x00, 0x2f}); // ECDHE_ECDSA_WITH_AES_128_CBC_SHA, RSA_WITH_AES_128_CBC_SHA
        hello.put(new byte[] {1, 0}); // compression: null only
        assertThat(hello.hasRemaining()).isFalse();
        return hello.array();
    }

    /**
     * A client on an SSLEngine of its own over a blocking socket: unlike an SSLSocket, which takes a
     * bare FIN for a close_notify unless told otherwise JVM-wide, it can say which one ended the stream.
     */
    private static final class EngineClient implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final SSLEngine engine;
        private final ByteBuffer netIn = ByteBuffer.allocate(1 << 15);
        private final ByteBuffer netOut = ByteBuffer.allocate(1 << 15);
        private final ByteBuffer app = ByteBuffer.allocate(1 << 15);
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        boolean closeNotified;

        EngineClient(SSLContext context, InetSocketAddress gateway) throws IOException {
            socket = new Socket(gateway.getAddress(), gateway.getPort());
            socket.setSoTimeout((int) DEADLINE.toMillis());
            in = socket.getInputStream();
            engine = context.createSSLEngine("localhost", gateway.getPort());
            engine.setUseClientMode(true);
            engine.beginHandshake();
            while (true) {
                switch (engine.getHandshakeStatus()) {
                    case NEED_WRAP -> wrap(ByteBuffer.allocate(0));
                    case NEED_UNWRAP -> assertThat(unwrap()).as("the handshake ended early").isNotNull();
                    case NEED_TASK -> engine.getDelegatedTask().run();
                    default -> {
                        return;
                    }
                }
            }
        }

        String protocol() {
            return engine.getSession().getProtocol();
        }

        void send(String ascii) throws IOException {
            ByteBuffer src = ByteBuffer.wrap(ascii.getBytes(StandardCharsets.US_ASCII));
            while (src.hasRemaining()) {
                wrap(src);
            }
        }

        /** {@code head} and {@code data} as records, written to the socket in one call. */
        void sendAtOnce(String head, byte[] data) throws IOException {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            ByteBuffer[] parts = {ByteBuffer.wrap(head.getBytes(StandardCharsets.US_ASCII)), ByteBuffer.wrap(data)};
            for (ByteBuffer src : parts) {
                while (src.hasRemaining()) {
                    netOut.clear();
                    engine.wrap(src, netOut);
                    all.write(netOut.array(), 0, netOut.position());
                }
            }
            socket.getOutputStream().write(all.toByteArray());
        }

        void shutdownOutput() throws IOException {
            engine.closeOutbound();
            while (!engine.isOutboundDone()) {
                wrap(ByteBuffer.allocate(0));
            }
            socket.shutdownOutput();
        }

        /** Application bytes up to and including {@code end}; what came behind it stays for the next read. */
        String readUntil(String end) throws IOException {
            while (true) {
                String text = received.toString(StandardCharsets.US_ASCII);
                int at = text.indexOf(end);
                if (at >= 0) {
                    received.reset();
                    received.writeBytes(text.substring(at + end.length()).getBytes(StandardCharsets.US_ASCII));
                    return text.substring(0, at + end.length());
                }
                assertThat(unwrap()).as("the stream ended before " + end.strip()).isNotNull();
            }
        }

        /** Application bytes until the stream ends, by close_notify or by a bare FIN. */
        String readToEnd() throws IOException {
            while (unwrap() != null && !closeNotified) {
                // collecting
            }
            return received.toString(StandardCharsets.US_ASCII);
        }

        int rawRead() throws IOException {
            return in.read();
        }

        private void wrap(ByteBuffer src) throws IOException {
            netOut.clear();
            engine.wrap(src, netOut);
            socket.getOutputStream().write(netOut.array(), 0, netOut.position());
        }

        /** One record; null at a FIN that came without a close_notify. */
        private SSLEngineResult unwrap() throws IOException {
            while (true) {
                netIn.flip();
                SSLEngineResult r = engine.unwrap(netIn, app);
                netIn.compact();
                app.flip();
                received.write(app.array(), app.position(), app.remaining());
                app.clear();
                if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                    closeNotified = true;
                }
                if (r.getStatus() != SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                    return r;
                }
                int n = in.read(netIn.array(), netIn.position(), netIn.remaining());
                if (n < 0) {
                    return null;
                }
                netIn.position(netIn.position() + n);
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /** Whole messages as the JDK's WebSocket delivers them in parts: text as String, binary as byte[]. */
    private static final class Collector implements WebSocket.Listener {
        final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final BlockingQueue<Integer> closed = new LinkedBlockingQueue<>();
        final AtomicInteger pings = new AtomicInteger();
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        Object next() throws InterruptedException {
            Object m = messages.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertThat(m).as("a message within " + DEADLINE).isNotNull();
            return m;
        }

        @Override
        public void onOpen(WebSocket ws) {
            ws.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] part = new byte[data.remaining()];
            data.get(part);
            binary.writeBytes(part);
            if (last) {
                messages.add(binary.toByteArray());
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket ws, ByteBuffer message) {
            pings.incrementAndGet(); // the client's Pong goes by itself
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int status, String reason) {
            closed.add(status);
            return null;
        }
    }
}
