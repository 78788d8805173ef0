package dev.anchor.conformance.peers;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;

/**
 * One WebSocket frame (RFC 6455 section 5.2), the suite's own encoding and nothing shared with
 * the gateways it judges.
 */
public record Frame(boolean fin, int rsv, int opcode, byte[] payload) {
    public static final int CONTINUATION = 0x0;
    public static final int TEXT = 0x1;
    public static final int BINARY = 0x2;
    public static final int CLOSE = 0x8;
    public static final int PING = 0x9;
    public static final int PONG = 0xA;

    public static Frame binary(byte[] payload) {
        return new Frame(true, 0, BINARY, payload);
    }

    public static Frame text(String text) {
        return new Frame(true, 0, TEXT, text.getBytes(StandardCharsets.UTF_8));
    }

    public static Frame ping(byte[] payload) {
        return new Frame(true, 0, PING, payload);
    }

    public static Frame pong(byte[] payload) {
        return new Frame(true, 0, PONG, payload);
    }

    public static Frame close(int code, String reason) {
        byte[] r = reason.getBytes(StandardCharsets.UTF_8);
        return new Frame(true, 0, CLOSE, ByteBuffer.allocate(2 + r.length).putShort((short) code).put(r).array());
    }

    public int closeCode() {
        return payload.length < 2 ? 1005 : ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
    }

    public String closeReason() {
        return payload.length < 2 ? "" : new String(payload, 2, payload.length - 2, StandardCharsets.UTF_8);
    }

    /** The frame on the wire; masked with a key from {@code random} when {@code masked}. */
    public byte[] encode(boolean masked, Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + 14);
        out.write((fin ? 0x80 : 0) | (rsv & 0x7) << 4 | opcode & 0xf);
        int maskBit = masked ? 0x80 : 0;
        if (payload.length < 126) {
            out.write(maskBit | payload.length);
        } else if (payload.length < 65536) {
            out.write(maskBit | 126);
            out.write(payload.length >>> 8);
            out.write(payload.length & 0xff);
        } else {
            out.write(maskBit | 127);
            out.writeBytes(ByteBuffer.allocate(8).putLong(payload.length).array());
        }
        if (!masked) {
            out.writeBytes(payload);
            return out.toByteArray();
        }
        byte[] key = new byte[4];
        random.nextBytes(key);
        out.writeBytes(key);
        byte[] body = payload.clone();
        for (int i = 0; i < body.length; i++) {
            body[i] ^= key[i & 3];
        }
        out.writeBytes(body);
        return out.toByteArray();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Frame f && fin == f.fin && rsv == f.rsv && opcode == f.opcode && Arrays.equals(payload, f.payload);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(payload) * 31 + opcode;
    }

    @Override
    public String toString() {
        String body = payload.length <= 16 ? HexFormat.of().formatHex(payload) : payload.length + " bytes";
        return "Frame[" + (fin ? "fin " : "") + "op=" + opcode + (rsv != 0 ? " rsv=" + rsv : "") + " " + body + "]";
    }
}
