package dev.anchor.conformance.peers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;

/**
 * A client that writes exact bytes to the gateway: malformed heads, chopped frames, resets. Over
 * TLS ({@link ClientTls}) the bytes are those inside TLS; the socket underneath is still its own.
 */
public final class RawClient extends Connection {
    private final InetSocketAddress gateway;

    private RawClient(Socket socket, TlsLayer tls, InetSocketAddress gateway) throws IOException {
        super(socket, tls, true);
        this.gateway = gateway;
    }

    public static RawClient connect(InetSocketAddress gateway) throws IOException {
        return connect(gateway, (InetSocketAddress) null);
    }

    /** Connects from {@code local} (any 127.x.y.z works on Linux), or from wherever the kernel picks if null. */
    public static RawClient connect(InetSocketAddress gateway, java.net.InetAddress local) throws IOException {
        return connect(gateway, local == null ? null : new InetSocketAddress(local, 0));
    }

    /**
     * Connects with a receive buffer of about {@code receiveBuffer} bytes (the kernel may round it):
     * a client that reads slowly then makes the gateway hold bytes for it sooner.
     */
    public static RawClient connectSmall(InetSocketAddress gateway, int receiveBuffer) throws IOException {
        return connect(gateway, null, receiveBuffer, null);
    }

    /**
     * Connects from exactly {@code local}, address and port, e.g. to keep out of a tiny ephemeral
     * range; from wherever the kernel picks if null.
     */
    public static RawClient connect(InetSocketAddress gateway, InetSocketAddress local) throws IOException {
        return connect(gateway, local, 0, null);
    }

    /** Connects and completes a TLS handshake if {@code tls} is not null. */
    public static RawClient connect(InetSocketAddress gateway, ClientTls tls) throws IOException {
        return connect(gateway, null, 0, tls);
    }

    /**
     * Connects from {@code local} (the kernel's choice if null) with a receive buffer of about
     * {@code receiveBuffer} bytes (the default if 0), set before connect so the window it offers
     * starts small; then, if {@code tls} is not null, completes a TLS handshake within the suite's
     * deadline. The socket stays the client's own under TLS.
     */
    public static RawClient connect(InetSocketAddress gateway, InetSocketAddress local, int receiveBuffer, ClientTls tls)
            throws IOException {
        Socket s = new Socket();
        try {
            if (receiveBuffer > 0) {
                s.setReceiveBufferSize(receiveBuffer);
            }
            if (local != null) {
                s.bind(local);
            }
            s.connect(gateway, (int) dev.anchor.conformance.TestTime.PROMPT.toMillis());
            TlsLayer layer = tls == null ? null : TlsLayer.handshake(s, gateway, tls, dev.anchor.conformance.TestTime.PROMPT);
            return new RawClient(s, layer, gateway);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    public String host() {
        return gateway.getAddress().getHostAddress() + ":" + gateway.getPort();
    }

    /** Sends a valid opening handshake for {@code target}, with {@code extra} field lines; returns its key. */
    public String sendUpgrade(String target, String... extra) throws IOException {
        String key = HttpText.newKey();
        write(HttpText.upgradeRequest(target, host(), key, extra));
        return key;
    }

    /** Sends a handshake, reads the answer and requires a 101 with the right accept. */
    public RawResponse upgrade(String target, String... extra) throws IOException {
        String key = sendUpgrade(target, extra);
        RawResponse r = readResponseHead();
        if (r.status() != 101) {
            throw new AssertionError("expected 101 for " + target + ", got:\n" + r);
        }
        if (!r.all("Sec-WebSocket-Accept").equals(List.of(HttpText.accept(key)))) {
            throw new AssertionError("101 with a wrong Sec-WebSocket-Accept:\n" + r);
        }
        return r;
    }

    /** Reads a response head only; what follows stays in the stream. */
    public RawResponse readResponseHead() throws IOException {
        byte[] head = HttpText.readHead(in);
        return parse(head, new byte[0]);
    }

    /** Reads a response head and the body its Content-Length announces. */
    public RawResponse readResponse() throws IOException {
        RawResponse head = readResponseHead();
        int length = head.field("Content-Length").map(Integer::parseInt).orElse(0);
        return parse(head.head(), readExactly(length));
    }

    /**
     * Reads a chunked body and returns its content. The chunking itself, extensions and trailers
     * included, belongs to the hop (RFC 9112 section 7): an intermediary may chunk anew.
     */
    public byte[] readChunkedContent() throws IOException {
        java.io.ByteArrayOutputStream content = new java.io.ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine();
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                while (!readLine().isEmpty()) {
                    // a trailer field
                }
                return content.toByteArray();
            }
            content.write(readExactly(size));
            readLine();
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        while (true) {
            char c = (char) (readExactly(1)[0] & 0xff);
            if (c == '\n') {
                int end = line.length();
                return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
            }
            line.append(c);
        }
    }

    private static RawResponse parse(byte[] head, byte[] body) {
        List<String> lines = HttpText.lines(head);
        String[] start = lines.get(0).split(" ", 3);
        return new RawResponse(head, Integer.parseInt(start[1]), start.length > 2 ? start[2] : "",
                HttpText.fields(lines), body);
    }
}
