package dev.anchor.core.health;

import dev.anchor.core.config.HealthConfig;
import dev.anchor.core.handshake.WebSocketKey;
import dev.anchor.core.http.HeadLimits;
import dev.anchor.core.http.HeadParseException;
import dev.anchor.core.http.ResponseHead;
import dev.anchor.core.http.ResponseHeadParser;
import dev.anchor.core.websocket.FrameWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * One active probe of one backend endpoint: a TCP connect, or a real WebSocket upgrade that passes
 * only on a 101 answering its key, followed by a Close 1000 so that the backend sees a proper end.
 * It runs on a virtual thread of its own, off every implementation's I/O threads, with plain
 * blocking sockets: a probe is a client of the backend like any other, and the same for all three
 * gateways.
 */
// tag::probe[]
public final class HealthProbe {
    private static final SecureRandom KEYS = new SecureRandom();

    private HealthProbe() {
    }

    /** Empty if the endpoint passed; otherwise why it failed, in a few words. */
    public static Optional<String> run(InetSocketAddress endpoint, String host, HealthConfig.Active active) {
        int timeout = (int) Math.max(1, active.timeout().toMillis());
        try (Socket s = new Socket()) {
            s.connect(endpoint, timeout);
            if (active.probe() == HealthConfig.Probe.TCP) {
                return Optional.empty();
            }
            s.setSoTimeout(timeout);
            return upgrade(s, host, active.path());
        } catch (java.net.SocketTimeoutException e) {
            return Optional.of("timed out");
        } catch (IOException e) {
            return Optional.of(String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT));
        }
    }

    private static Optional<String> upgrade(Socket s, String host, String path) throws IOException {
        byte[] nonce = new byte[16];
        KEYS.nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\nUser-Agent: anchor-health\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        ResponseHead head = readHead(s.getInputStream());
        if (head == null) {
            return Optional.of("closed before answering the upgrade");
        }
        if (head.status() != 101) {
            return Optional.of("upgrade answered " + head.status());
        }
        if (!WebSocketKey.accept(key).equals(head.headers().first("Sec-WebSocket-Accept").orElse(""))) {
            return Optional.of("101 with a wrong Sec-WebSocket-Accept");
        }
        ByteBuffer close = FrameWriter.close(1000, "health check", true);
        out.write(close.array(), close.arrayOffset() + close.position(), close.remaining());
        out.flush();
        s.shutdownOutput();
        // read the backend's Close and FIN before closing: closing with its Close unread would
        // answer it with RST, and the backend would log an error for every probe
        try {
            s.getInputStream().skip(Long.MAX_VALUE);
        } catch (java.net.SocketTimeoutException slowToClose) {
            // it switched, which is what the probe asks; how it closes is its own business
        }
        return Optional.empty();
    }
    // end::probe[]

    private static ResponseHead readHead(InputStream in) throws IOException {
        ResponseHeadParser parser = new ResponseHeadParser(HeadLimits.DEFAULT);
        byte[] one = new byte[1];
        while (true) {
            int n = in.read(one); // a byte at a time: a probe's head is small, and nothing behind it is read
            if (n < 0) {
                return null;
            }
            try {
                ResponseHead head = parser.parse(ByteBuffer.wrap(one));
                if (head != null) {
                    return head;
                }
            } catch (HeadParseException e) {
                throw new IOException("a bad answer to the upgrade: " + e.getMessage());
            }
        }
    }
}
