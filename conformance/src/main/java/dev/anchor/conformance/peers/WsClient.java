package dev.anchor.conformance.peers;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;

/**
 * The JDK's {@code java.net.http.WebSocket}, a real client, with its callbacks turned into a queue
 * of whole messages a test can wait on.
 */
public final class WsClient implements AutoCloseable {
    private final HttpClient http;
    private final WebSocket socket;
    private final BlockingQueue<WsEvent> events;

    private WsClient(HttpClient http, WebSocket socket, BlockingQueue<WsEvent> events) {
        this.http = http;
        this.socket = socket;
        this.events = events;
    }

    public static WsClient open(InetSocketAddress gateway, String path) throws Exception {
        return open(gateway, path, List.of(), Map.of());
    }

    public static WsClient open(InetSocketAddress gateway, String path, List<String> subprotocols,
                                Map<String, String> headers) throws Exception {
        return open(gateway, path, subprotocols, headers, null);
    }

    /** Over TLS ({@code wss:}) with a client trusting {@code tls}, if not null; it checks the certificate against the address. */
    public static WsClient open(InetSocketAddress gateway, String path, List<String> subprotocols,
                                Map<String, String> headers, SSLContext tls) throws Exception {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(dev.anchor.conformance.TestTime.PROMPT);
        if (tls != null) {
            builder.sslContext(tls);
        }
        HttpClient http = builder.build();
        BlockingQueue<WsEvent> events = new LinkedBlockingQueue<>();
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(dev.anchor.conformance.TestTime.PROMPT);
        if (!subprotocols.isEmpty()) {
            b.subprotocols(subprotocols.get(0), subprotocols.subList(1, subprotocols.size()).toArray(String[]::new));
        }
        headers.forEach(b::header);
        URI uri = URI.create((tls == null ? "ws://" : "wss://") + gateway.getAddress().getHostAddress() + ":"
                + gateway.getPort() + path);
        try {
            WebSocket ws = b.buildAsync(uri, new Recorder(events))
                    .get(dev.anchor.conformance.TestTime.PROMPT.toMillis(), TimeUnit.MILLISECONDS);
            return new WsClient(http, ws, events);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            http.close();
            throw e;
        }
    }

    public WebSocket socket() {
        return socket;
    }

    public String subprotocol() {
        return socket.getSubprotocol();
    }

    public void sendText(String text, boolean last) throws Exception {
        wait(socket.sendText(text, last));
    }

    public void sendBinary(byte[] bytes, boolean last) throws Exception {
        wait(socket.sendBinary(ByteBuffer.wrap(bytes), last));
    }

    public void sendPing(byte[] payload) throws Exception {
        wait(socket.sendPing(ByteBuffer.wrap(payload)));
    }

    public void sendClose(int code, String reason) throws Exception {
        wait(socket.sendClose(code, reason));
    }

    private static void wait(CompletableFuture<WebSocket> send) throws Exception {
        send.get(dev.anchor.conformance.TestTime.PROMPT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next event; fails if none arrives within {@code timeout}. */
    public WsEvent next(Duration timeout) throws InterruptedException {
        WsEvent e = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (e == null) {
            throw new AssertionError("no WebSocket event within " + timeout.toMillis() + " ms");
        }
        return e;
    }

    public WsEvent next() throws InterruptedException {
        return next(dev.anchor.conformance.TestTime.PROMPT);
    }

    @Override
    public void close() {
        socket.abort();
        http.close();
    }

    /** Reassembles partial messages and asks for one more callback at a time. */
    private static final class Recorder implements WebSocket.Listener {
        private final BlockingQueue<WsEvent> events;
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        Recorder(BlockingQueue<WsEvent> events) {
            this.events = events;
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
            events.add(new WsEvent.Ping(bytes(message)));
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket ws, ByteBuffer message) {
            events.add(new WsEvent.Pong(bytes(message)));
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

        private static byte[] bytes(ByteBuffer b) {
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        }
    }
}
