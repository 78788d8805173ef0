package dev.anchor.conformance.peers;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;
import javax.net.ssl.SSLSession;

/**
 * A raw TCP connection held by a test peer: exact bytes in and out, frames with the masking its
 * role demands, and the TCP endings (FIN, half-close, RST) on cue. Both the raw client and the
 * scripted backend are one of these.
 *
 * <p>A client may speak TLS over it: the bytes are then those inside TLS, a half-close sends
 * close_notify before FIN, a reset is still a bare RST of the socket, and a stream that ends with
 * no close_notify before its FIN ends {@link Ending#TRUNCATED}.
 */
public class Connection implements AutoCloseable {
    /** How long {@link #close} waits to send close_notify before it closes the socket anyway. */
    private static final Duration CLOSE_NOTIFY_WAIT = Duration.ofMillis(200);

    /** The TCP socket, also under TLS: its timeouts, linger and buffers are the connection's. */
    protected final Socket socket;
    protected final InputStream in;
    protected final OutputStream out;
    private final TlsLayer tls;
    private final boolean masksFrames;
    private final FrameReader frames;
    private final Random random = new Random();

    protected Connection(Socket socket, boolean masksFrames) throws IOException {
        this(socket, null, masksFrames);
    }

    /** Over {@code tls}, already handshaken on {@code socket}, if not null. */
    Connection(Socket socket, TlsLayer tls, boolean masksFrames) throws IOException {
        this.socket = socket;
        this.tls = tls;
        this.masksFrames = masksFrames;
        socket.setTcpNoDelay(true);
        socket.setSoTimeout((int) dev.anchor.conformance.TestTime.PROMPT.toMillis());
        this.in = new BufferedInputStream(tls != null ? tls.input() : socket.getInputStream(), 64 * 1024);
        this.out = tls != null ? tls.output() : socket.getOutputStream();
        this.frames = new FrameReader(in);
    }

    /** The TLS session, on a connection that speaks TLS. */
    public Optional<SSLSession> tlsSession() {
        return tls == null ? Optional.empty() : Optional.of(tls.session());
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) socket.getRemoteSocketAddress();
    }

    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    public void write(String ascii) throws IOException {
        write(ascii.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Writes {@code bytes} in pieces of the given sizes (cycled), each its own segment. */
    public void writeChopped(byte[] bytes, int... sizes) throws IOException {
        int at = 0;
        for (int i = 0; at < bytes.length; i++) {
            int n = Math.min(Math.max(1, sizes[i % sizes.length]), bytes.length - at);
            out.write(bytes, at, n);
            out.flush();
            at += n;
        }
    }

    public void send(Frame frame) throws IOException {
        write(frame.encode(masksFrames, random));
    }

    /** The next frame the other side sent; it must be masked exactly when this peer is the server. */
    public Frame readFrame() throws IOException {
        return frames.read(!masksFrames);
    }

    public byte[] readExactly(int n) throws IOException {
        return in.readNBytes(n);
    }

    /** Reads until the peer ends the stream; returns the bytes and how it ended. */
    public Received readToEnd(Duration timeout) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buf = new byte[64 * 1024];
        int previous = socket.getSoTimeout();
        try {
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return new Received(data.toByteArray(), Ending.OPEN);
                }
                socket.setSoTimeout((int) Math.max(1, left));
                int n;
                try {
                    n = in.read(buf);
                } catch (SocketTimeoutException e) {
                    continue;
                } catch (SocketException e) {
                    if (isReset(e)) {
                        return new Received(data.toByteArray(), Ending.RESET);
                    }
                    throw e;
                }
                if (n < 0) {
                    boolean graceful = tls == null || tls.closeNotified();
                    return new Received(data.toByteArray(), graceful ? Ending.EOF : Ending.TRUNCATED);
                }
                data.write(buf, 0, n);
            }
        } finally {
            if (!socket.isClosed()) {
                socket.setSoTimeout(previous);
            }
        }
    }

    /** How the stream ends, discarding what arrives before. */
    public Ending awaitEnd(Duration timeout) throws IOException {
        return readToEnd(timeout).ending();
    }

    /** True if nothing at all arrives within {@code window}; the byte is kept if something does. */
    public boolean quietFor(Duration window) throws IOException {
        int previous = socket.getSoTimeout();
        socket.setSoTimeout((int) Math.max(1, window.toMillis()));
        try {
            in.mark(1);
            in.read();
            in.reset();
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        } finally {
            socket.setSoTimeout(previous);
        }
    }

    /** FIN; over TLS, close_notify and then FIN, the half-close of TLS 1.3. */
    public void shutdownOutput() throws IOException {
        if (tls != null) {
            tls.shutdownOutput();
        } else {
            socket.shutdownOutput();
        }
    }

    /** Closes with SO_LINGER 0, which sends RST instead of FIN; over TLS too, with no alert before it. */
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    /** FIN; over TLS, close_notify first where it can go at once. */
    @Override
    public void close() throws IOException {
        if (tls != null && !socket.isClosed()) {
            tls.closeNotifyIfPrompt(CLOSE_NOTIFY_WAIT);
        }
        socket.close();
    }

    static boolean isReset(IOException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("Connection reset") || m.contains("connection was aborted");
    }

    /** What {@link #readToEnd} read, and how the stream ended. */
    public record Received(byte[] data, Ending ending) {
    }
}
