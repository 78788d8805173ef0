package dev.anchor.bench;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The load side of a benchmark: one WebSocket connection on a plain socket, sending one prepared
 * binary frame at a time and reading echoes. Kept as cheap as a client can be so the numbers
 * measure the path, not the client: the frame is built once, and its masking key is zero, so
 * masking is a no-op (legal on the wire; a real client must use random keys, RFC 6455 section 5.3).
 */
final class EchoConnection implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;
    private final byte[] frame;
    private final byte[] echo;

    EchoConnection(InetSocketAddress target, int payloadBytes) throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(target, 5_000);
        out = socket.getOutputStream();
        in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream(), 128 * 1024));
        handshake(target);
        frame = maskedBinaryFrame(payloadBytes);
        echo = new byte[payloadBytes];
    }

    private void handshake(InetSocketAddress target) throws IOException {
        String key = Base64.getEncoder().encodeToString("anchor-benchmark".getBytes(StandardCharsets.US_ASCII));
        out.write(("GET /echo HTTP/1.1\r\nHost: " + target.getHostString() + ":" + target.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + key
                + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        if (!head.toString().startsWith("HTTP/1.1 101")) {
            throw new IOException("no switch: " + head);
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

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
