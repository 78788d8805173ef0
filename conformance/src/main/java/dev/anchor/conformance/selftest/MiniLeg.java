package dev.anchor.conformance.selftest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One socket of the mini gateway: blocking reads and writes, a write lock, and a close that counts
 * once. A client leg on a TLS listener runs an {@link SSLSocket} layered over the accepted socket:
 * a graceful end sends close_notify before FIN, a half-close is TLS 1.3's (close_notify, then FIN,
 * reading on), and an abort is a bare RST of the socket underneath, with no alert before it.
 */
final class MiniLeg {
    /** How long a close waits for its close_notify to go before the socket closes anyway. */
    private static final Duration CLOSE_NOTIFY_WAIT = Duration.ofSeconds(1);

    /** The TCP socket, also under TLS. */
    final Socket socket;
    private volatile SSLSocket tls;
    /** Whether graceful ends go through TLS; false for the bug that closes the TCP socket under it. */
    private volatile boolean closeNotify;
    private volatile InputStream in;
    private volatile OutputStream out;
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

    /**
     * Completes a server handshake over the socket, which has already given {@code consumed};
     * from then on, reads and writes are TLS's. {@code closeNotify} false plants the bug that ends
     * the stream with the TCP socket, never a close_notify.
     */
    void startTls(SSLContext context, SSLParameters parameters, byte[] consumed, boolean closeNotify) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(socket, new ByteArrayInputStream(consumed), true);
        s.setSSLParameters(parameters);
        s.startHandshake();
        this.tls = s;
        this.closeNotify = closeNotify;
        this.in = s.getInputStream();
        this.out = s.getOutputStream();
    }

    /** Reads the socket itself, under any TLS: before a handshake, or after one that failed. */
    int readRaw(byte[] b, int off, int len) throws IOException {
        return socket.getInputStream().read(b, off, len);
    }

    /** Writes through {@code wrapper} from now on (a bug's buffered stream). */
    void writeThrough(OutputStream wrapper) {
        this.out = wrapper;
    }

    /** The stream under any wrapper a bug added: TLS's on a TLS leg. */
    OutputStream rawOut() throws IOException {
        return tls != null ? tls.getOutputStream() : socket.getOutputStream();
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

    /** FIN; on a TLS leg close_notify first, and the other direction stays open (TLS 1.3). */
    void shutdownOutput() {
        try {
            SSLSocket s = tls;
            if (s != null && closeNotify) {
                if (!s.isClosed() && !s.isOutputShutdown()) {
                    s.shutdownOutput(); // close_notify, then the socket's FIN: the layer closes what it wraps
                }
            } else if (!socket.isClosed() && !socket.isOutputShutdown()) {
                socket.shutdownOutput();
            }
        } catch (IOException ignored) {
            // reset already: the close that follows counts it
        }
    }

    /** RST: SO_LINGER 0 on the TCP socket, and no TLS alert before it. */
    void abort() {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closed already
        }
        if (closed.compareAndSet(false, true)) {
            closeSocket();
            onClose.run();
        }
    }

    /** Closes; on a TLS leg with close_notify before FIN, unless it cannot go promptly. */
    void close() {
        if (closed.compareAndSet(false, true)) {
            SSLSocket s = tls;
            if (s != null && closeNotify) {
                closeTls(s);
            } else {
                closeSocket();
            }
            onClose.run();
        }
    }

    /**
     * The SSLSocket's close sends close_notify, which waits for a write under way and for room in
     * the socket's buffer: a peer that reads nothing would hold it for ever, and the caller may be
     * the gateway's timer. So it runs on a thread of its own, and the socket closes under it after
     * {@link #CLOSE_NOTIFY_WAIT} if it has not finished.
     */
    private void closeTls(SSLSocket s) {
        Thread closing = Thread.ofVirtual().name("mini-tls-close").start(() -> {
            try {
                s.close();
            } catch (IOException ignored) {
                // the socket closes below either way
            }
        });
        Thread.ofVirtual().name("mini-tls-close-deadline").start(() -> {
            try {
                closing.join(CLOSE_NOTIFY_WAIT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            closeSocket();
        });
    }

    private void closeSocket() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // released either way
        }
    }

    boolean isClosed() {
        return closed.get();
    }
}
