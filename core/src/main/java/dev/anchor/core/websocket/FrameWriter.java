package dev.anchor.core.websocket;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * The frames the gateway writes itself: Ping for heartbeats, Close when it ends a tunnel. Toward
 * the client the gateway is the server and must not mask; toward the backend it is the client and
 * must, with a fresh key from a strong source each time (RFC 6455 section 5.3).
 */
// tag::frame-writer[]
public final class FrameWriter {
    private static final SecureRandom MASKS = new SecureRandom();

    private FrameWriter() {
    }

    public static ByteBuffer ping(byte[] payload, boolean masked) {
        return control(0x9, payload, masked);
    }

    /**
     * A Close with {@code code} and {@code reason}. Codes 1005, 1006 and 1015 only ever describe a
     * closing locally and "MUST NOT be set as a status code in a Close control frame" (section 7.4.1).
     */
    public static ByteBuffer close(int code, String reason, boolean masked) {
        if (code == 1005 || code == 1006 || code == 1015 || code < 1000 || code > 4999
                || code >= 1016 && code < 3000 || code == 1004) {
            throw new IllegalArgumentException("close code " + code + " may not be sent in a Close frame");
        }
        byte[] text = reason.getBytes(StandardCharsets.UTF_8);
        if (text.length > 123) {
            throw new IllegalArgumentException("a close reason is at most 123 bytes of UTF-8");
        }
        byte[] payload = new byte[2 + text.length];
        payload[0] = (byte) (code >>> 8);
        payload[1] = (byte) code;
        System.arraycopy(text, 0, payload, 2, text.length);
        return control(0x8, payload, masked);
    }

    private static ByteBuffer control(int opcode, byte[] payload, boolean masked) {
        if (payload.length > 125) {
            throw new IllegalArgumentException("a control frame's payload is at most 125 bytes");
        }
        ByteBuffer frame = ByteBuffer.allocate(2 + (masked ? 4 : 0) + payload.length);
        frame.put((byte) (0x80 | opcode));
        frame.put((byte) ((masked ? 0x80 : 0) | payload.length));
        if (!masked) {
            return frame.put(payload).flip();
        }
        byte[] key = new byte[4];
        MASKS.nextBytes(key);
        frame.put(key);
        for (int i = 0; i < payload.length; i++) {
            frame.put((byte) (payload[i] ^ key[i & 3]));
        }
        return frame.flip();
    }
}
// end::frame-writer[]
