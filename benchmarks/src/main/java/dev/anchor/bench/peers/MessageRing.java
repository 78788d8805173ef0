package dev.anchor.bench.peers;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;

/**
 * The bytes a load connection sends and the bytes it must get back, fixed before the clock starts.
 * A ring of different messages (random payloads, each frame with its own masking key) is laid out
 * twice: as the masked frames a client sends (RFC 6455 section 5.2) and as the unmasked frames the
 * echo server returns. A connection walks round the ring from its own starting frame, so its byte
 * stream is known at every position both ways: what comes back is compared with the ring in one
 * vectorized comparison per read, and a lost, repeated, reordered, corrupted or crossed-over byte
 * shows as a mismatch at a known place. Sending costs nothing but the write: the frames are
 * already masked, in direct memory.
 */
final class MessageRing {
    final int payloadBytes;
    /** Messages in the ring. Consecutive messages differ, so a lost or repeated one is seen. */
    final int frames;
    /** Length of one client frame: header, masking key, payload. */
    final int requestBytes;
    /** Length of one echoed frame: header, payload. */
    final int echoBytes;
    private final ByteBuffer requests;
    private final ByteBuffer echoes;

    MessageRing(int payloadBytes, long seed) {
        this.payloadBytes = payloadBytes;
        this.frames = payloadBytes <= 1024 ? 256 : 16;
        this.echoBytes = headerBytes(payloadBytes) + payloadBytes;
        this.requestBytes = echoBytes + 4;
        requests = ByteBuffer.allocateDirect(frames * requestBytes);
        echoes = ByteBuffer.allocateDirect(frames * echoBytes);
        SplittableRandom random = new SplittableRandom(seed);
        byte[] payload = new byte[payloadBytes];
        byte[] key = new byte[4];
        for (int f = 0; f < frames; f++) {
            random.nextBytes(payload);
            random.nextBytes(key);
            putHeader(echoes, payloadBytes, false);
            echoes.put(payload);
            putHeader(requests, payloadBytes, true);
            requests.put(key);
            for (int i = 0; i < payloadBytes; i++) {
                requests.put((byte) (payload[i] ^ key[i & 3]));
            }
        }
        requests.clear();
        echoes.clear();
    }

    /** Where connection {@code index} starts in the ring, so that no two connections send alike. */
    int firstFrame(int index) {
        return (index * 37) % frames; // 37 is prime, so coprime with the ring's power-of-two size
    }

    /**
     * The next request bytes of a stream that is at {@code position} (in bytes, counted round the
     * ring from its start), at most {@code limit - position} of them, stopping at the ring's end.
     */
    ByteBuffer requests(long position, long limit) {
        int at = (int) (position % requests.capacity());
        int length = (int) Math.min(limit - position, requests.capacity() - at);
        return requests.slice(at, length);
    }

    /** One whole request frame. */
    ByteBuffer request(int frame) {
        return requests.slice((frame % frames) * requestBytes, requestBytes);
    }

    /** One whole echoed frame, as the server must send it. */
    ByteBuffer echo(int frame) {
        return echoes.slice((frame % frames) * echoBytes, echoBytes);
    }

    /**
     * Compares received bytes (position to limit) with the echo stream from {@code position};
     * returns -1 if they match, or the stream position of the first byte that differs.
     */
    long mismatch(ByteBuffer received, long position) {
        int from = received.position();
        int length = received.remaining();
        int done = 0;
        while (done < length) {
            int at = (int) ((position + done) % echoes.capacity());
            int n = Math.min(length - done, echoes.capacity() - at);
            int i = received.slice(from + done, n).mismatch(echoes.slice(at, n));
            if (i >= 0) {
                return position + done + i;
            }
            done += n;
        }
        return -1;
    }

    /** The byte the echo stream holds at a position. */
    byte expectedEcho(long position) {
        return echoes.get((int) (position % echoes.capacity()));
    }

    /** A masked Close frame with status 1000 (normal closure). */
    static ByteBuffer closeRequest() {
        byte[] key = {0x5a, 0x13, (byte) 0xc7, 0x2e};
        return ByteBuffer.wrap(new byte[] {(byte) 0x88, (byte) 0x82, key[0], key[1], key[2], key[3],
                (byte) (0x03 ^ key[0]), (byte) (0xe8 ^ key[1])});
    }

    /** The Close the echo server answers {@link #closeRequest()} with: the same status, unmasked. */
    static ByteBuffer closeReply() {
        return ByteBuffer.wrap(new byte[] {(byte) 0x88, 0x02, 0x03, (byte) 0xe8});
    }

    /** Bytes of a frame header before the masking key: 2, or 4 or 10 with an extended length. */
    static int headerBytes(int payloadBytes) {
        return payloadBytes < 126 ? 2 : payloadBytes <= 0xffff ? 4 : 10;
    }

    /** FIN and the binary opcode, then the payload length in its shortest form (section 5.2). */
    private static void putHeader(ByteBuffer frame, int payloadBytes, boolean masked) {
        int mask = masked ? 0x80 : 0;
        frame.put((byte) 0x82);
        if (payloadBytes < 126) {
            frame.put((byte) (mask | payloadBytes));
        } else if (payloadBytes <= 0xffff) {
            frame.put((byte) (mask | 126)).putShort((short) payloadBytes);
        } else {
            frame.put((byte) (mask | 127)).putLong(payloadBytes);
        }
    }
}
