package dev.anchor.bench.peers;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/** Whole writes and reads on a blocking channel. */
final class Io {
    private Io() {
    }

    static void writeFully(SocketChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    /** Fills {@code into} to its limit, or throws if the peer closes first. */
    static void readFully(SocketChannel channel, ByteBuffer into) throws IOException {
        while (into.hasRemaining()) {
            if (channel.read(into) < 0) {
                throw new EOFException("closed by the peer with " + into.remaining() + " bytes still expected");
            }
        }
    }

    /**
     * Reads exactly as many bytes as {@code expected} holds and compares them with it: one echoed
     * frame on a blocking connection. A difference or an early close is a wrong echo.
     */
    static void expect(SocketChannel channel, ByteBuffer expected, ByteBuffer scratch, String what) throws IOException {
        scratch.clear().limit(expected.remaining());
        try {
            readFully(channel, scratch);
        } catch (EOFException e) {
            throw new WrongEchoException(what + ": " + e.getMessage());
        }
        scratch.flip();
        int at = scratch.mismatch(expected);
        if (at >= 0) {
            throw new WrongEchoException(what + ": byte " + at + " is " + hex(scratch.get(at)) + ", expected "
                    + hex(expected.get(expected.position() + at)));
        }
    }

    static String hex(byte b) {
        return String.format("0x%02x", b & 0xff);
    }
}
