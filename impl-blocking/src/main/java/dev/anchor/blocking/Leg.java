package dev.anchor.blocking;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One of the two TCP connections of a pair, with the three ways it can end: half-close (FIN on
 * our side only), close, and abort (RST). Closing happens exactly once, whoever asks first, and
 * reports itself to the gateway's accounting.
 *
 * <p>On a TLS listener the client's leg carries TLS over its TCP connection ({@link ClientTls}):
 * this is the one place that knows. Bytes and the half-close go through TLS; the options, the
 * timeouts, the RST and the close stay with the TCP socket.
 */
// tag::leg[]
final class Leg {
    private final Socket socket;
    /** TLS over {@link #socket}, or null on plain TCP. */
    private final ClientTls tls;
    private final InputStream in;
    private final OutputStream out;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Held by whoever writes to this leg, so that frames from two threads never interleave. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** When the write in progress began, or 0: a write that takes too long is a stalled peer. */
    private volatile long writeStartedAt;
    /** While its tunnel says goodbye, when this leg closes at the latest; 0 while it is not lingering. */
    private volatile long lingerUntil;
    /** The peer sent FIN: it has nothing more to say. */
    private volatile boolean inputEnded;
    /** Told once, after the socket is closed, besides the gateway's accounting. */
    private volatile Runnable onClosed = () -> { };

    Leg(Socket socket, Runnable onClose) throws IOException {
        this(socket, null, onClose);
    }

    Leg(Socket socket, ClientTls tls, Runnable onClose) throws IOException {
        this.socket = socket;
        this.tls = tls;
        this.onClose = onClose;
        socket.setTcpNoDelay(true);
        this.in = tls == null ? socket.getInputStream() : tls.input();
        this.out = tls == null ? socket.getOutputStream() : tls.output();
    }

    /** Blocks until bytes arrive; -1 at FIN. */
    int read(byte[] buffer, int offset, int length) throws IOException {
        return in.read(buffer, offset, length);
    }

    /** Blocks until the kernel took every byte: this is the whole of backpressure here. */
    void write(byte[] buffer, int offset, int length) throws IOException {
        writeStartedAt = System.nanoTime();
        try {
            out.write(buffer, offset, length);
        } finally {
            writeStartedAt = 0;
        }
    }

    /** Sends FIN, after close_notify on TLS: we will write no more, but keep reading. */
    void shutdownOutput() {
        try {
            if (!socket.isClosed() && !socket.isOutputShutdown()) {
                writeStartedAt = System.nanoTime(); // close_notify is a write, and can stall like one
                try {
                    if (tls != null) {
                        tls.shutdownOutput();
                    } else {
                        socket.shutdownOutput();
                    }
                } finally {
                    writeStartedAt = 0;
                }
            }
        } catch (IOException alreadyGone) {
            // the peer reset first; the close that follows reports it
        }
    }

    /** Closes with RST instead of FIN, so the peer knows the other side failed. */
    void abort() {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException alreadyClosed) {
            // closing below is all that is left to do
        }
        close();
    }

    /** Never blocks: on TLS too, where it closes the TCP socket and not the SSLSocket ({@link ClientTls} says why). */
    void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing useful to do: the descriptor is released either way
            }
            onClose.run();
            onClosed.run();
        }
    }
    // end::leg[]

    /** Also tell {@code listener} when this leg closes. */
    void onClosed(Runnable listener) {
        this.onClosed = listener;
    }

    /** The peer sent FIN. */
    void inputEnded() {
        inputEnded = true;
    }

    /** The tunnel is saying goodbye to this leg: it closes at {@code deadline} at the latest. False if already closed. */
    boolean lingerUntil(long deadline) {
        lingerUntil = deadline;
        return !closed.get();
    }

    boolean isLingering() {
        return lingerUntil != 0;
    }

    /** Closes a lingering leg: its peer has closed too. */
    void closeIfLingering() {
        if (isLingering()) {
            close();
        }
    }

    /** Closes a lingering leg whose peer had sent FIN before the goodbye. */
    void closeIfInputEnded() {
        if (inputEnded) {
            close();
        }
    }

    /** Closes a lingering leg whose time is up. */
    void closeIfLingeredUntil(long now) {
        long until = lingerUntil;
        if (until != 0 && now - until >= 0) {
            close();
        }
    }

    void write(ByteBuffer bytes) throws IOException {
        if (bytes.hasArray()) {
            write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        } else {
            byte[] copy = new byte[bytes.remaining()];
            bytes.duplicate().get(copy);
            write(copy, 0, copy.length);
        }
        bytes.position(bytes.limit());
    }

    /**
     * On a TLS leg, the TLS handshake, finished by {@code deadlineNanos}; nothing on plain TCP.
     *
     * @throws java.net.SocketTimeoutException if the deadline passes first
     * @throws IOException if the handshake fails, the client having been sent an alert
     */
    void handshake(long deadlineNanos) throws IOException {
        if (tls != null) {
            tls.handshake(deadlineNanos);
        }
    }

    /** A read that gives up after {@code millis} with a SocketTimeoutException; 0 waits for ever. */
    void readTimeout(long millis) throws IOException {
        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, Math.max(0, millis)));
    }

    /** How long the write in progress has been blocked; 0 when none is. */
    long stalledFor(long now) {
        long started = writeStartedAt;
        return started == 0 ? 0 : now - started;
    }

    ReentrantLock writeLock() {
        return writeLock;
    }

    InetSocketAddress remote() {
        return (InetSocketAddress) socket.getRemoteSocketAddress();
    }

    boolean isClosed() {
        return closed.get();
    }
}
