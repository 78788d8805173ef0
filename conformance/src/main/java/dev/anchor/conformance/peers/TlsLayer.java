package dev.anchor.conformance.peers;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;

/**
 * TLS for a test client, over a plain socket that stays the connection's own: its timeouts bound
 * every read, SO_LINGER 0 on it is a reset with no alert before it, and a small receive buffer set
 * on it before connect stays small. It runs an {@link SSLEngine} rather than an
 * {@link javax.net.ssl.SSLSocket}, because the JDK's SSLSocket reads a FIN that no close_notify
 * came before as if one had (unless the whole JVM sets {@code com.sun.net.ssl.requireCloseNotify}),
 * and the suite must tell a graceful TLS end from a stream cut short (RFC 8446 section 6.1).
 *
 * <p>One thread may read while another writes, as on a socket: the engine wraps and unwraps
 * concurrently, each under a lock of its own.
 */
final class TlsLayer {
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);
    private static final String[] HTTP_1_1 = {"http/1.1"};

    private final Socket raw;
    private final SSLEngine engine;
    private final InputStream rawIn;
    private final OutputStream rawOut;
    private final ReentrantLock readLock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Bytes read from the socket and not yet unwrapped, in write mode; guarded by the read lock. */
    private ByteBuffer netIn;
    /** Plaintext unwrapped and not yet read, in read mode; guarded by the read lock. */
    private ByteBuffer appIn;
    /** One wrap's records; guarded by the write lock. */
    private ByteBuffer netOut;
    private volatile boolean closeNotified;
    private volatile boolean rawEnded;
    private final InputStream in = new In();
    private final OutputStream out = new Out();

    private TlsLayer(Socket raw, SSLEngine engine) throws IOException {
        this.raw = raw;
        this.engine = engine;
        this.rawIn = raw.getInputStream();
        this.rawOut = raw.getOutputStream();
        SSLSession session = engine.getSession();
        this.netIn = ByteBuffer.allocate(session.getPacketBufferSize());
        this.appIn = ByteBuffer.allocate(session.getApplicationBufferSize()).flip();
        this.netOut = ByteBuffer.allocate(session.getPacketBufferSize());
    }

    /**
     * Completes a client handshake over {@code raw}, connected to {@code to}, within {@code timeout};
     * the socket's read timeout is as it was when this returns.
     */
    static TlsLayer handshake(Socket raw, InetSocketAddress to, ClientTls tls, Duration timeout) throws IOException {
        String host = tls.serverName() != null ? tls.serverName()
                : tls.verifyHost() ? to.getAddress().getHostAddress() : null;
        // an engine told an address sends no SNI: RFC 6066 section 3 names hosts only
        SSLEngine engine = host == null ? tls.context().createSSLEngine() : tls.context().createSSLEngine(host, to.getPort());
        engine.setUseClientMode(true);
        SSLParameters p = engine.getSSLParameters();
        if (tls.verifyHost()) {
            p.setEndpointIdentificationAlgorithm("HTTPS");
        }
        p.setServerNames(tls.serverName() == null ? List.of() : List.of(new SNIHostName(tls.serverName())));
        p.setApplicationProtocols(HTTP_1_1);
        engine.setSSLParameters(p);
        TlsLayer layer = new TlsLayer(raw, engine);
        int previous = raw.getSoTimeout();
        try {
            layer.handshake(System.nanoTime() + timeout.toNanos());
        } finally {
            if (!raw.isClosed()) {
                raw.setSoTimeout(previous);
            }
        }
        return layer;
    }

    InputStream input() {
        return in;
    }

    OutputStream output() {
        return out;
    }

    SSLSession session() {
        return engine.getSession();
    }

    /** Whether the stream so far ended with the peer's close_notify; false while it is open, or if it was cut short. */
    boolean closeNotified() {
        return closeNotified;
    }

    private void handshake(long deadline) throws IOException {
        engine.beginHandshake();
        readLock.lock();
        try {
            while (true) {
                switch (engine.getHandshakeStatus()) {
                    case NEED_WRAP -> {
                        writeLock.lock();
                        try {
                            wrapAndSend(NOTHING);
                        } finally {
                            writeLock.unlock();
                        }
                    }
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        SSLEngineResult r = unwrap();
                        if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                            throw new SSLHandshakeException("the server closed TLS during the handshake");
                        }
                        if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                            long left = (deadline - System.nanoTime()) / 1_000_000;
                            if (left <= 0) {
                                throw new SocketTimeoutException("the TLS handshake did not complete in time");
                            }
                            raw.setSoTimeout((int) Math.max(1, left));
                            if (!readRaw()) {
                                throw new SSLHandshakeException("the server ended the connection during the TLS handshake");
                            }
                        }
                    }
                    case NEED_TASK -> runTasks();
                    case FINISHED, NOT_HANDSHAKING -> {
                        return;
                    }
                }
            }
        } finally {
            readLock.unlock();
        }
    }

    /** Unwraps what {@link #netIn} holds into {@link #appIn}, growing it if one record does not fit; read lock held. */
    private SSLEngineResult unwrap() throws SSLException {
        while (true) {
            netIn.flip();
            appIn.compact();
            SSLEngineResult r;
            try {
                r = engine.unwrap(netIn, appIn);
            } finally {
                appIn.flip();
                netIn.compact();
            }
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                ByteBuffer bigger = ByteBuffer.allocate(appIn.remaining() + engine.getSession().getApplicationBufferSize());
                appIn = bigger.put(appIn).flip();
                continue;
            }
            if (r.getStatus() == SSLEngineResult.Status.CLOSED && engine.isInboundDone()) {
                closeNotified = true;
            }
            if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runTasks();
            }
            return r;
        }
    }

    /** Reads more of the socket into {@link #netIn}; false at its end. Read lock held. */
    private boolean readRaw() throws IOException {
        if (!netIn.hasRemaining()) {
            ByteBuffer bigger = ByteBuffer.allocate(netIn.capacity() + engine.getSession().getPacketBufferSize());
            netIn = bigger.put(netIn.flip());
        }
        int n = rawIn.read(netIn.array(), netIn.arrayOffset() + netIn.position(), netIn.remaining());
        if (n < 0) {
            rawEnded = true;
            return false;
        }
        netIn.position(netIn.position() + n);
        return true;
    }

    /** Wraps all of {@code src} (or, given nothing, what the engine has to say) and writes it; write lock held. */
    private void wrapAndSend(ByteBuffer src) throws IOException {
        do {
            netOut.clear();
            SSLEngineResult r = engine.wrap(src, netOut);
            if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                netOut = ByteBuffer.allocate(netOut.capacity() + engine.getSession().getPacketBufferSize());
                continue;
            }
            if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_TASK) {
                runTasks();
            }
            if (r.bytesProduced() > 0) {
                rawOut.write(netOut.array(), 0, netOut.position());
                rawOut.flush();
            }
            if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                if (src.hasRemaining()) {
                    throw new SocketException("Socket output is shutdown (close_notify sent)");
                }
                return;
            }
        } while (src.hasRemaining());
    }

    private void runTasks() {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }

    /** Sends close_notify, then FIN: TLS 1.3's half-close (RFC 8446 section 6.1); the other direction stays open. */
    void shutdownOutput() throws IOException {
        writeLock.lock();
        try {
            sendCloseNotify();
        } finally {
            writeLock.unlock();
        }
        if (!raw.isOutputShutdown()) {
            raw.shutdownOutput();
        }
    }

    private void sendCloseNotify() throws IOException {
        if (!engine.isOutboundDone()) {
            engine.closeOutbound();
            wrapAndSend(NOTHING);
        }
    }

    /**
     * Sends close_notify before the socket closes, as a well-behaved client does, unless that would
     * wait: a write blocked on a peer that reads nothing holds the lock, and a full socket buffer
     * would hold this one. Either way the caller closes the socket within {@code wait}.
     */
    void closeNotifyIfPrompt(Duration wait) {
        if (engine.isOutboundDone()) {
            return;
        }
        Thread sender = Thread.ofVirtual().name("tls-close-notify").start(() -> {
            if (writeLock.tryLock()) {
                try {
                    sendCloseNotify();
                } catch (IOException | RuntimeException gone) {
                    // the peer is gone, or the socket closed under the write: the close says the rest
                } finally {
                    writeLock.unlock();
                }
            }
        });
        try {
            sender.join(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The plaintext the server sent: -1 once it ended, with close_notify or without (see {@link #closeNotified}). */
    private final class In extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            readLock.lock();
            try {
                while (!appIn.hasRemaining()) {
                    if (closeNotified) {
                        return -1;
                    }
                    SSLEngineResult r = unwrap();
                    if (r.getHandshakeStatus() == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
                        answer(); // a post-handshake message (TLS 1.2's close_notify, a key update) asks for a reply
                    }
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED && !appIn.hasRemaining()) {
                        return -1;
                    }
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && !readRaw()) {
                        return -1; // FIN with no close_notify before it: cut short
                    }
                }
                int n = Math.min(len, appIn.remaining());
                appIn.get(b, off, n);
                return n;
            } finally {
                readLock.unlock();
            }
        }

        @Override
        public int available() {
            return appIn.remaining();
        }

        private void answer() {
            writeLock.lock();
            try {
                wrapAndSend(NOTHING);
            } catch (IOException gone) {
                // the reply is a courtesy; reading goes on
            } finally {
                writeLock.unlock();
            }
        }
    }

    /** Plaintext to the server, a record per 16 KiB, each written as it is made. */
    private final class Out extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return;
            }
            writeLock.lock();
            try {
                wrapAndSend(ByteBuffer.wrap(b, off, len));
            } finally {
                writeLock.unlock();
            }
        }

        @Override
        public void flush() {
            // every write is on the socket already
        }
    }
}
