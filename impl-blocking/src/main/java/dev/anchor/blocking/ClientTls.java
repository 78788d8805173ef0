package dev.anchor.blocking;

import dev.anchor.core.tls.ServerTls;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.Future;
import javax.net.ssl.SSLSocket;

/**
 * TLS on a client's leg ({@code listen.tls}): an SSLSocket in server mode over the accepted TCP
 * socket, offering what core's {@link ServerTls} decided (TLS 1.2 and 1.3, ALPN http/1.1, the
 * certificate for the name the client asked for). Its {@link Leg} reads, writes and sends FIN
 * through it; everything TLS leaves alone stays with the TCP socket underneath: the options,
 * SO_TIMEOUT, the RST of an abort, and the close.
 *
 * <p>How the leg's endings map onto TLS:
 * <ul>
 * <li>Half-close: {@link SSLSocket#shutdownOutput()}, close_notify and then FIN. In TLS 1.3 that
 * ends our direction only (RFC 8446 section 6.1), and the client's goes on. TLS 1.2 cannot say
 * that: RFC 5246 section 7.2.1 has the receiver of a close_notify answer with its own and close,
 * and the JDK's SSLSocket does just that, in either role (JDK 25, TransportContext's
 * passiveInboundClose). A TLS 1.2 client's close_notify is answered at once with ours and FIN,
 * and what the backend sends after it fails as a write to a client that closed, as a plaintext
 * client's full close would make it fail; a TLS 1.2 client answers our close_notify the same way,
 * ending its own direction.
 * <li>End of stream: the client's close_notify reads as -1, and so does a bare FIN (the JDK's
 * default, {@code com.sun.net.ssl.requireCloseNotify=false}); either is passed on as FIN.
 * <li>Abort: SO_LINGER 0 and the TCP socket closed under the SSLSocket, with no close_notify, which
 * would tell the client its stream had ended cleanly. {@link Leg#abort()} does not change.
 * <li>Close: the TCP socket too, never {@link SSLSocket#close()}. That one sends close_notify under
 * the socket's record lock, so it waits behind a write in progress, for ever if the peer has
 * stopped reading, and in TLS 1.3 it also waits up to SO_TIMEOUT for input to drain; the
 * timekeeper and a stop close legs, and must not wait. Every graceful ending has sent its
 * close_notify by then, with the half-close before it (a FIN passed on, a goodbye, a reply); what
 * closes without one (a stop without a drain, a peer that failed) was not going to end cleanly.
 * </ul>
 *
 * <p>Backpressure is what it is on TCP plus one record. A write encrypts a record (16 KiB of
 * plaintext at most) into a buffer of the SSLSocket's own, hands it to the TCP socket, and only
 * then takes the next, so a write still returns when the kernel has every byte and nothing waits
 * inside the SSLSocket after it. A read takes a whole record before it decrypts it, and keeps the
 * plaintext the caller's buffer had no room for (a record's at most) for the next read. A
 * direction so holds {@code tunnel.buffer} bytes plus at most one record in flight. The buffers
 * themselves (the record read, its plaintext, the record written) grow with the largest record
 * seen and never shrink: on JDK 25, some 6 KiB once the handshake is done, and 48 KiB (TLS 1.2) or
 * 64 KiB (TLS 1.3, whose write buffer doubles past one record) on a leg that has carried a burst.
 */
final class ClientTls {
    /**
     * How much longer than its SO_TIMEOUT a read may take before the TCP socket is closed under it.
     * SO_TIMEOUT goes first, since it leaves the leg usable for an answer (a 408); this is for the
     * peer that keeps one read alive by trickling.
     */
    static final long TRICKLE_GRACE_MILLIS = 1_000;

    private final Socket tcp;
    private final SSLSocket tls;
    private final Timekeeper timekeeper;
    /** A read or the handshake outlived its deadline, and the TCP socket was closed under it. */
    private volatile boolean expired;

    /** Layers TLS over {@code tcp}; nothing is read or written until {@link #handshake}. */
    ClientTls(Socket tcp, ServerTls config, Timekeeper timekeeper) throws IOException {
        this.tcp = tcp;
        this.timekeeper = timekeeper;
        // autoClose: a half-close of the SSLSocket shuts the TCP socket's output down too, FIN after close_notify
        this.tls = (SSLSocket) config.context().getSocketFactory().createSocket(tcp, null, tcp.getPort(), true);
        tls.setUseClientMode(false);
        tls.setSSLParameters(config.parameters());
    }

    /**
     * The TLS handshake, finished by {@code deadlineNanos} or given up. SO_TIMEOUT bounds each TCP
     * read of it, and the timekeeper the whole: a client that trickles its hello byte by byte is
     * held to the deadline as one that trickles its request head is (slowloris).
     *
     * @throws SocketTimeoutException if the deadline passes first
     * @throws IOException if the handshake fails: plaintext on the TLS port, no protocol or cipher
     *                     in common, a client that refused the certificate; an alert said why, to the
     *                     client or from it
     */
    void handshake(long deadlineNanos) throws IOException {
        long left = (deadlineNanos - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new SocketTimeoutException("the deadline passed before the TLS handshake began");
        }
        tcp.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
        bounded("handshake", left, () -> {
            tls.startHandshake();
            return 0;
        });
    }

    /**
     * The client's bytes, decrypted. A read given a timeout (SO_TIMEOUT) ends within it, give or
     * take {@link #TRICKLE_GRACE_MILLIS}, as a read on TCP does.
     */
    InputStream input() throws IOException {
        return new FilterInputStream(tls.getInputStream()) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int timeout = tcp.getSoTimeout();
                if (timeout == 0) {
                    return in.read(b, off, len);
                }
                // one TLS read is as many TCP reads as its record takes, and SO_TIMEOUT bounds each on its own
                return bounded("read", timeout + TRICKLE_GRACE_MILLIS, () -> in.read(b, off, len));
            }

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }
        };
    }

    OutputStream output() throws IOException {
        return tls.getOutputStream();
    }

    /** close_notify, then FIN. */
    void shutdownOutput() throws IOException {
        tls.shutdownOutput();
    }

    /** One blocking call on the TLS socket, failing as a timeout if it is still running after {@code millis}. */
    private int bounded(String what, long millis, Call call) throws IOException {
        Future<?> backstop = timekeeper.after(millis, this::expire);
        try {
            return call.run();
        } catch (IOException e) {
            if (expired) {
                var late = new SocketTimeoutException("TLS " + what + " still running after " + millis + " ms");
                throw (SocketTimeoutException) late.initCause(e);
            }
            throw e;
        } finally {
            backstop.cancel(false);
        }
    }

    /** On the timekeeper's thread: the call under way fails once the TCP socket is closed, which never blocks. */
    private void expire() {
        expired = true;
        try {
            tcp.close();
        } catch (IOException ignored) {
            // the descriptor is released either way
        }
    }

    private interface Call {
        int run() throws IOException;
    }
}
