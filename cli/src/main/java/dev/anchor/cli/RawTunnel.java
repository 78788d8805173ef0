package dev.anchor.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One client of {@code anchor capacity}: a plain socket that writes a WebSocket upgrade request,
 * reads the response head and, on a 101, keeps the tunnel open. A socket and a few small arrays
 * per tunnel, so thousands of them fit in one process; an HTTP client per tunnel would not.
 * Not thread-safe: one thread opens it, one closes it.
 */
final class RawTunnel implements AutoCloseable {
    /** A response head longer than this is not what a gateway sends. */
    private static final int HEAD_LIMIT = 8192;
    private static final byte[] END_OF_HEAD = {'\r', '\n', '\r', '\n'};

    private final Socket socket;
    private final Response response;

    /** The status line and field lines of the gateway's answer. */
    record Response(String statusLine, List<String> fields) {
        int status() {
            String[] parts = statusLine.split(" ", 3);
            try {
                return parts.length >= 2 ? Integer.parseInt(parts[1]) : -1;
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        Optional<String> field(String name) {
            return fields.stream()
                    .filter(f -> f.regionMatches(true, 0, name + ":", 0, name.length() + 1))
                    .map(f -> f.substring(name.length() + 1).strip())
                    .findFirst();
        }
    }

    private RawTunnel(Socket socket, Response response) {
        this.socket = socket;
        this.response = response;
    }

    /**
     * Connects to {@code gateway}, asks to upgrade {@code path} and reads the answer's head. The
     * socket stays open whatever the answer; {@link #upgraded()} says whether it is a tunnel.
     *
     * @param timeout for the connect, and again for the answer
     */
    static RawTunnel open(InetSocketAddress gateway, String path, Duration timeout) throws IOException {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true);
            socket.connect(gateway, (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.getOutputStream().write(request(gateway, path));
            return new RawTunnel(socket, readHead(socket.getInputStream()));
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    Response response() {
        return response;
    }

    boolean upgraded() {
        return response.status() == 101;
    }

    /** Starts the closing handshake: a masked Close frame with code 1000, as a client sends it. */
    void sendClose() throws IOException {
        byte[] mask = new byte[4];
        ThreadLocalRandom.current().nextBytes(mask);
        byte[] code = {(byte) (1000 >> 8), (byte) (1000 & 0xff)};
        byte[] frame = {(byte) 0x88, (byte) (0x80 | code.length), mask[0], mask[1], mask[2], mask[3],
                (byte) (code[0] ^ mask[0]), (byte) (code[1] ^ mask[1])};
        socket.getOutputStream().write(frame);
    }

    /**
     * Reads (and drops) whatever arrives until the other side closes or {@code deadlineNanos}
     * passes; true if it closed.
     */
    boolean awaitEnd(long deadlineNanos) throws IOException {
        byte[] sink = new byte[256];
        InputStream in = socket.getInputStream();
        while (true) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            socket.setSoTimeout((int) Math.max(1, Duration.ofNanos(left).toMillis()));
            try {
                if (in.read(sink) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (SocketException e) {
                return true; // reset: ended all the same
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static byte[] request(InetSocketAddress gateway, String path) {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String host = gateway.getAddress().getHostAddress() + ":" + gateway.getPort();
        return ("GET " + path + " HTTP/1.1\r\n"
                + "Host: " + host + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(nonce) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Reads up to the blank line; bytes after it (a refusal's body) are left unread or dropped. */
    private static Response readHead(InputStream in) throws IOException {
        byte[] buffer = new byte[HEAD_LIMIT];
        int length = 0;
        int end;
        while ((end = indexOf(buffer, length, END_OF_HEAD)) < 0) {
            if (length == buffer.length) {
                throw new IOException("the answer's head is longer than " + HEAD_LIMIT + " bytes");
            }
            int n = in.read(buffer, length, buffer.length - length);
            if (n < 0) {
                throw new IOException(length == 0 ? "the gateway closed the connection without answering"
                        : "the gateway closed the connection in the middle of its answer");
            }
            length += n;
        }
        String[] lines = new String(buffer, 0, end, StandardCharsets.ISO_8859_1).split("\r\n");
        return new Response(lines[0], List.of(Arrays.copyOfRange(lines, 1, lines.length)));
    }

    private static int indexOf(byte[] data, int length, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
