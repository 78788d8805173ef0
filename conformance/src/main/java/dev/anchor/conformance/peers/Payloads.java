package dev.anchor.conformance.peers;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Long streams that can be checked without being kept: the byte at stream offset {@code k} is a
 * function of {@code k}, so a lost, duplicated or reordered chunk shows at its first byte.
 */
public final class Payloads {
    private Payloads() {
    }

    public static byte at(long k) {
        long x = k * 0x9E3779B97F4A7C15L;
        return (byte) (x >>> 56 ^ k >>> 8);
    }

    public static byte[] pattern(long offset, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = at(offset + i);
        }
        return b;
    }

    /** Fails with the first offset where {@code actual} departs from the pattern starting at {@code offset}. */
    public static void check(byte[] actual, long offset) {
        for (int i = 0; i < actual.length; i++) {
            if (actual[i] != at(offset + i)) {
                throw new AssertionError("stream differs at byte " + (offset + i) + ": expected "
                        + at(offset + i) + ", got " + actual[i]);
            }
        }
    }

    /**
     * Writes {@code total} bytes of pattern as binary frames of {@code frameSize} from {@code peer},
     * adding each frame's size to {@code written} once the socket took it.
     */
    public static void sendFrames(Connection peer, long total, int frameSize, java.util.concurrent.atomic.AtomicLong written)
            throws IOException {
        long offset = 0;
        while (offset < total) {
            int n = (int) Math.min(frameSize, total - offset);
            peer.send(Frame.binary(pattern(offset, n)));
            offset += n;
            written.addAndGet(n);
        }
    }

    /** Reads binary frames from {@code peer} until {@code total} payload bytes arrived, checking each. */
    public static void receiveFrames(Connection peer, long total) throws IOException {
        long offset = 0;
        while (offset < total) {
            Frame f;
            try {
                f = peer.readFrame();
            } catch (java.io.EOFException e) {
                throw new AssertionError("the stream ended after " + offset + " of " + total + " bytes", e);
            }
            if (f.opcode() != Frame.BINARY) {
                throw new AssertionError("expected a binary frame at offset " + offset + ", got " + f);
            }
            check(f.payload(), offset);
            offset += f.payload().length;
        }
    }

    /** {@code n} bytes of a frame sequence, for tests that compare raw bytes. */
    public static byte[] concat(byte[]... parts) {
        int n = Arrays.stream(parts).mapToInt(p -> p.length).sum();
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }
}
