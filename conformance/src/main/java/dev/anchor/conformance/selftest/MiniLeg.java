package dev.anchor.conformance.selftest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/** One socket of the mini gateway: blocking reads and writes, a write lock, and a close that counts once. */
final class MiniLeg {
    final Socket socket;
    private final InputStream in;
    private OutputStream out;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();
    final ReentrantLock writeLock = new ReentrantLock();
    private volatile long writeStartedAt;
    /** While its tunnel says goodbye: when it closes at the latest; 0 otherwise. */
    volatile long lingerUntil;

    MiniLeg(Socket socket, Runnable onClose) throws IOException {
        this.socket = socket;
        this.onClose = onClose;
        socket.setTcpNoDelay(true);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Writes through {@code wrapper} from now on (a bug's buffered stream). */
    void writeThrough(OutputStream wrapper) {
        this.out = wrapper;
    }

    OutputStream rawOut() throws IOException {
        return socket.getOutputStream();
    }

    int read(byte[] b, int off, int len) throws IOException {
        return in.read(b, off, len);
    }

    void readTimeout(long millis) throws IOException {
        socket.setSoTimeout((int) Math.max(0, Math.min(Integer.MAX_VALUE, millis)));
    }

    /**
     * Writes in pieces of at most {@link #PIECE} bytes, each read from {@code b} as it goes out, as a
     * non-blocking writer's queue does: a buffer given back before its last piece is written then
     * shows as somebody else's bytes, where one blocking write would have copied it all at once.
     */
    void write(byte[] b, int off, int len) throws IOException {
        writeStartedAt = System.nanoTime();
        try {
            for (int at = off; at < off + len; at += PIECE) {
                out.write(b, at, Math.min(PIECE, off + len - at));
            }
        } finally {
            writeStartedAt = 0;
        }
    }

    private static final int PIECE = 4096;

    void write(ByteBuffer bytes) throws IOException {
        ByteBuffer b = bytes.duplicate();
        byte[] copy = new byte[b.remaining()];
        b.get(copy);
        write(copy, 0, copy.length);
    }

    long stalledFor(long now) {
        long started = writeStartedAt;
        return started == 0 ? 0 : now - started;
    }

    void shutdownOutput() {
        try {
            if (!socket.isClosed() && !socket.isOutputShutdown()) {
                socket.shutdownOutput();
            }
        } catch (IOException ignored) {
            // reset already: the close that follows counts it
        }
    }

    void abort() {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closed already
        }
        close();
    }

    void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // released either way
            }
            onClose.run();
        }
    }

    boolean isClosed() {
        return closed.get();
    }
}
