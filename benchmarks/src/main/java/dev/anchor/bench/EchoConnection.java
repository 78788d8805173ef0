package dev.anchor.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * The load side of a benchmark: one WebSocket connection on a plain socket, sending one prepared
 * binary frame at a time and reading echoes. Kept as cheap as a client can be so the numbers
 * measure the path, not the client: the frame is built once, and its masking key is zero, so
 * masking is a no-op (legal on the wire; a real client must use random keys, RFC 6455 section 5.3).
 */
final class EchoConnection implements AutoCloseable {
    /** The key is the same on every connection, so the answer it must get is worked out once. */
    private static final String KEY = Base64.getEncoder().encodeToString("anchor-benchmark".getBytes(StandardCharsets.US_ASCII));
    private static final String ACCEPT = accept(KEY);
    /** A masked Close with status 1000 (normal closure); its masking key is zero too. */
    private static final byte[] CLOSE = {(byte) 0x88, (byte) 0x82, 0, 0, 0, 0, 0x03, (byte) 0xe8};
    /** The Close the echo server answers it with. */
    private static final byte[] CLOSE_ECHO = {(byte) 0x88, 0x02, 0x03, (byte) 0xe8};

    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final byte[] frame;
    private final byte[] echo;

    EchoConnection(InetSocketAddress target, int payloadBytes) throws IOException {
        this(target, payloadBytes, 128 * 1024);
    }

    /**
     * With a read buffer of its own size: a connection that opens and closes by the thousand, or
     * sits idle by the thousand, should not bring 128 KiB of client buffer into the figures.
     */
    EchoConnection(InetSocketAddress target, int payloadBytes, int readBufferBytes) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(target, 5_000);
        out = socket.getOutputStream();
        in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream(), readBufferBytes));
        handshake(target);
        frame = maskedBinaryFrame(payloadBytes);
        echo = new byte[payloadBytes];
    }

    private void handshake(InetSocketAddress target) throws IOException {
        out.write(("GET /echo HTTP/1.1\r\nHost: " + target.getHostString() + ":" + target.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + KEY
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        // the end is tested on the builder itself: a toString() per byte read would make the
        // client's own garbage a large part of what -prof gc reports for an upgrade
        StringBuilder head = new StringBuilder(256);
        while (!endsWithBlankLine(head)) {
            head.append((char) in.readUnsignedByte());
        }
        String answer = head.toString();
        if (!answer.startsWith("HTTP/1.1 101")) {
            throw new IOException("no switch: " + answer);
        }
        if (!ACCEPT.equals(field(answer, "Sec-WebSocket-Accept"))) {
            throw new IOException("a 101 whose Sec-WebSocket-Accept is not " + ACCEPT + ": " + answer);
        }
    }

    /** The value of a field of a response head, its name matched without regard to case; null if absent. */
    private static String field(String head, String name) {
        for (int line = head.indexOf("\r\n") + 2; line > 1 && line < head.length(); line = head.indexOf("\r\n", line) + 2) {
            int colon = line + name.length();
            if (head.regionMatches(true, line, name, 0, name.length()) && colon < head.length() && head.charAt(colon) == ':') {
                return head.substring(colon + 1, head.indexOf("\r\n", colon)).trim();
            }
        }
        return null;
    }

    private static boolean endsWithBlankLine(StringBuilder s) {
        int n = s.length();
        return n >= 4 && s.charAt(n - 1) == '\n' && s.charAt(n - 2) == '\r' && s.charAt(n - 3) == '\n' && s.charAt(n - 4) == '\r';
    }

    private static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1")
                    .digest((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] maskedBinaryFrame(int n) {
        int header = n < 126 ? 2 : n < 65536 ? 4 : 10;
        byte[] f = new byte[header + 4 + n];
        f[0] = (byte) 0x82;
        if (n < 126) {
            f[1] = (byte) (0x80 | n);
        } else if (n < 65536) {
            f[1] = (byte) (0x80 | 126);
            f[2] = (byte) (n >>> 8);
            f[3] = (byte) n;
        } else {
            f[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                f[2 + i] = (byte) ((long) n >>> (56 - 8 * i));
            }
        }
        for (int i = 0; i < n; i++) {
            f[header + 4 + i] = (byte) i; // masking key bytes stay zero
        }
        return f;
    }

    void send() throws IOException {
        out.write(frame);
    }

    /** Reads one echoed frame; returns its payload length. */
    int receive() throws IOException {
        in.readUnsignedByte();
        int length = in.readUnsignedByte() & 0x7f;
        if (length == 126) {
            length = in.readUnsignedShort();
        } else if (length == 127) {
            length = (int) in.readLong();
        }
        in.readFully(echo, 0, length);
        return length;
    }

    /** One message out, its echo back, compared byte for byte with what was sent. */
    void roundTrip() throws IOException {
        send();
        int n = receive();
        if (n != echo.length || !Arrays.equals(echo, 0, n, frame, frame.length - echo.length, frame.length)) {
            throw new IOException("the echo differs from the message: " + n + " bytes back for " + echo.length);
        }
    }

    /**
     * The closing handshake as RFC 6455 section 7.1.1 has a client do it: our Close, the server's
     * Close back, then wait for the server to close TCP before closing our socket. The side that
     * closes first keeps the connection in TIME_WAIT; this way it is the server's side, whose
     * four-tuples differ by our port, and not ours, where TIME_WAIT would hold an ephemeral port
     * for 60 s. A server that never closes shows as a SocketTimeoutException here.
     */
    void closeHandshake() throws IOException {
        out.write(CLOSE);
        byte[] reply = new byte[CLOSE_ECHO.length];
        in.readFully(reply);
        if (!Arrays.equals(reply, CLOSE_ECHO)) {
            throw new IOException("the Close was answered " + Arrays.toString(reply));
        }
        socket.setSoTimeout(5_000);
        if (in.read() >= 0) {
            throw new IOException("bytes after the Close");
        }
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
