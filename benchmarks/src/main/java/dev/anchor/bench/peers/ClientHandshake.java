package dev.anchor.bench.peers;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client's side of the opening handshake (RFC 6455 section 4.1) on a blocking channel: a GET
 * with a fresh key, then the answer must be a 101 whose Sec-WebSocket-Accept proves the server
 * read that key. Anything else, or a byte after the answer's head, is an error.
 */
final class ClientHandshake {
    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private ClientHandshake() {
    }

    // tag::source-addresses[]
    /**
     * Client addresses taken in turn, 127.0.1.1 to 127.0.1.250, as many clients come from many
     * addresses. From one address, thousands of upgrades a second leave tens of thousands of
     * loopback connections in TIME_WAIT, and the kernel's search for a free port and the SYNs that
     * meet an old connection's TIME_WAIT then slow every target's upgrades alike.
     */
    private static final AtomicInteger NEXT_SOURCE = new AtomicInteger();

    /** Opens a connection to target and upgrades it; returns the channel, still blocking. */
    static SocketChannel open(InetSocketAddress target) throws IOException {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.INET);
        try {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (target.getAddress().isLoopbackAddress()) {
                int n = Math.floorMod(NEXT_SOURCE.getAndIncrement(), 250) + 1;
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true); // a port whose last connection is in TIME_WAIT is free again
                channel.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 1, (byte) n}), 0));
            }
            channel.connect(target);
            upgrade(channel, target);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }
    // end::source-addresses[]

    static void upgrade(SocketChannel channel, InetSocketAddress target) throws IOException {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        String key = Base64.getEncoder().encodeToString(nonce);
        String request = "GET /echo HTTP/1.1\r\n"
                + "Host: " + target.getHostString() + ":" + target.getPort() + "\r\n"
                + "Upgrade: websocket\r\n"
                + "Connection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + key + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        Io.writeFully(channel, ByteBuffer.wrap(request.getBytes(StandardCharsets.ISO_8859_1)));
        String head = readHead(channel);
        if (!head.startsWith("HTTP/1.1 101 ")) {
            throw new IOException("the upgrade was answered " + head.lines().findFirst().orElse(""));
        }
        String accept = field(head, "sec-websocket-accept");
        if (!accept(key).equals(accept)) {
            throw new IOException("Sec-WebSocket-Accept is " + accept + ", expected " + accept(key));
        }
    }

    /** Reads up to the blank line that ends the head; nothing may follow it yet. */
    private static String readHead(SocketChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        while (true) {
            if (channel.read(buffer) < 0) {
                throw new EOFException("closed before the answer to the upgrade was complete");
            }
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end >= 0) {
                if (end + 4 != text.length()) {
                    throw new IOException("bytes after the 101, before any message was sent");
                }
                return text;
            }
            if (!buffer.hasRemaining()) {
                throw new IOException("an answer head longer than 4 KiB");
            }
        }
    }

    private static String field(String head, String lowerCaseName) {
        return head.lines()
                .filter(line -> line.toLowerCase(Locale.ROOT).startsWith(lowerCaseName + ":"))
                .map(line -> line.substring(lowerCaseName.length() + 1).trim())
                .findFirst()
                .orElse("(none)");
    }

    static String accept(String key) {
        try {
            byte[] sha1 = MessageDigest.getInstance("SHA-1").digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(sha1);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
