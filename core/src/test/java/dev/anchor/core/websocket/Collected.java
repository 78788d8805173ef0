package dev.anchor.core.websocket;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

/** An {@link FrameScanner.Output} that keeps what the scanner passed on, in order. */
final class Collected implements FrameScanner.Output {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteBuffer current;

    /** Scans {@code chunk} into this collection. */
    Collected feed(FrameScanner scanner, byte[] chunk) throws FrameException {
        current = ByteBuffer.wrap(chunk);
        scanner.scan(current, this);
        return this;
    }

    @Override
    public void pass(int from, int to) {
        out.write(current.array(), from, to - from);
    }

    @Override
    public void passHeld(byte[] bytes, int length) {
        out.write(bytes, 0, length);
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
