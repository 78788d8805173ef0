package dev.anchor.blocking;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;

/**
 * A TLS client on the JDK's SSLEngine over a plain socket, for what an SSLSocket hides: whether
 * the server's stream ended with close_notify or was cut short by a bare FIN (an SSLSocket reads
 * -1 either way), and the records themselves, to send them a byte at a time.
 */
final class EngineClient implements AutoCloseable {
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final SSLEngine engine;
    /** Bytes from the network not yet unwrapped, in read mode. */
    private ByteBuffer fromNetwork;
    /** Plaintext unwrapped and not yet taken, in write mode. */
    private ByteBuffer plaintext;

    /** How the server's stream ended, as {@link #readToEnd} saw it. */
    enum Ending {
        /** close_notify, then nothing more. */
        CLOSE_NOTIFY,
        /** TCP FIN without close_notify: the stream may have been cut short. */
        TRUNCATED,
        RESET,
        /** Still open at the deadline. */
        OPEN
    }

    record Received(byte[] data, Ending ending) {
    }

    private EngineClient(Socket socket, SSLEngine engine) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.engine = engine;
        this.fromNetwork = ByteBuffer.allocate(engine.getSession().getPacketBufferSize()).flip();
        this.plaintext = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    }

    /** Connects over TCP, offering only {@code protocol}; no TLS byte is sent yet. */
    static EngineClient connect(InetSocketAddress server, SSLContext context, String protocol, Duration timeout)
            throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(server, (int) timeout.toMillis());
            s.setSoTimeout((int) timeout.toMillis());
            SSLEngine engine = context.createSSLEngine(server.getHostString(), server.getPort());
            engine.setUseClientMode(true);
            engine.setEnabledProtocols(new String[] {protocol});
            return new EngineClient(s, engine);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** The first flight of the handshake, the ClientHello record, without sending it. */
    byte[] hello() throws IOException {
        engine.beginHandshake();
        return wrap(NOTHING);
    }

    /** The whole handshake; the protocol it agreed on. */
    String handshake() throws IOException {
        engine.beginHandshake();
        var status = engine.getHandshakeStatus();
        while (status != SSLEngineResult.HandshakeStatus.FINISHED
                && status != SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING) {
            switch (status) {
                case NEED_WRAP -> {
                    out.write(wrap(NOTHING));
                    status = engine.getHandshakeStatus();
                }
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                    SSLEngineResult r = engine.unwrap(fromNetwork, plaintext);
                    if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && !fill()) {
                        throw new SSLException("the server closed during the handshake");
                    }
                    if (r.getStatus() == SSLEngineResult.Status.CLOSED) {
                        throw new SSLException("the server closed during the handshake");
                    }
                    status = engine.getHandshakeStatus();
                }
                case NEED_TASK -> {
                    for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
                        task.run();
                    }
                    status = engine.getHandshakeStatus();
                }
                default -> throw new IllegalStateException("handshake status " + status);
            }
        }
        return engine.getSession().getProtocol();
    }

    /** {@code bytes} as the TLS records that carry them, without sending them. */
    byte[] records(byte[] bytes) throws IOException {
        return wrap(ByteBuffer.wrap(bytes));
    }

    /** Encrypts and sends {@code bytes}. */
    void send(byte[] bytes) throws IOException {
        out.write(records(bytes));
        out.flush();
    }

    /** Sends bytes as they are, TLS records or not. */
    void sendRaw(byte[] bytes, int offset, int length) throws IOException {
        out.write(bytes, offset, length);
        out.flush();
    }

    /** Reads plaintext until {@code length} bytes have come; fewer if the stream ends first. */
    byte[] read(int length, Duration timeout) throws IOException {
        Received r = readUntil(length, timeout);
        return r.data();
    }

    /** Reads until the stream ends, and says how it ended. */
    Received readToEnd(Duration timeout) throws IOException {
        return readUntil(Integer.MAX_VALUE, timeout);
    }

    private Received readUntil(int length, Duration timeout) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (data.size() < length) {
                if (plaintext.position() > 0) {
                    plaintext.flip();
                    int n = Math.min(plaintext.remaining(), length - data.size());
                    data.write(plaintext.array(), plaintext.position(), n);
                    plaintext.position(plaintext.position() + n);
                    plaintext.compact();
                    continue;
                }
                if (engine.isInboundDone()) {
                    return new Received(data.toByteArray(), Ending.CLOSE_NOTIFY);
                }
                SSLEngineResult r = engine.unwrap(fromNetwork, plaintext);
                switch (r.getStatus()) {
                    case OK, CLOSED -> runTasks();
                    case BUFFER_OVERFLOW -> plaintext = grow(plaintext, engine.getSession().getApplicationBufferSize());
                    case BUFFER_UNDERFLOW -> {
                        long left = (deadline - System.nanoTime()) / 1_000_000;
                        if (left <= 0) {
                            return new Received(data.toByteArray(), Ending.OPEN);
                        }
                        socket.setSoTimeout((int) left);
                        if (!fill()) {
                            try {
                                engine.closeInbound(); // throws unless close_notify came first
                            } catch (SSLException truncated) {
                                return new Received(data.toByteArray(), Ending.TRUNCATED);
                            }
                            return new Received(data.toByteArray(), Ending.CLOSE_NOTIFY);
                        }
                    }
                }
            }
            return new Received(data.toByteArray(), Ending.OPEN);
        } catch (SocketTimeoutException e) {
            return new Received(data.toByteArray(), Ending.OPEN);
        } catch (SocketException e) {
            if (String.valueOf(e.getMessage()).contains("Connection reset")) {
                return new Received(data.toByteArray(), Ending.RESET);
            }
            throw e;
        }
    }

    private void runTasks() {
        for (Runnable task = engine.getDelegatedTask(); task != null; task = engine.getDelegatedTask()) {
            task.run();
        }
    }

    /** Reads more from the network; false at its end. */
    private boolean fill() throws IOException {
        fromNetwork.compact();
        if (!fromNetwork.hasRemaining()) {
            fromNetwork = grow(fromNetwork, engine.getSession().getPacketBufferSize());
        }
        int n = in.read(fromNetwork.array(), fromNetwork.position(), fromNetwork.remaining()); // an array of its own
        if (n > 0) {
            fromNetwork.position(fromNetwork.position() + n);
        }
        fromNetwork.flip();
        return n >= 0;
    }

    private byte[] wrap(ByteBuffer source) throws IOException {
        ByteArrayOutputStream records = new ByteArrayOutputStream();
        ByteBuffer packet = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        do {
            packet.clear();
            SSLEngineResult r = engine.wrap(source, packet);
            if (r.getStatus() != SSLEngineResult.Status.OK) {
                throw new SSLException("wrap: " + r);
            }
            records.write(packet.array(), 0, packet.position());
            runTasks();
        } while (source.hasRemaining());
        return records.toByteArray();
    }

    /** {@code b}, in write mode, with room for {@code more}. */
    private static ByteBuffer grow(ByteBuffer b, int more) {
        ByteBuffer bigger = ByteBuffer.allocate(b.capacity() + more);
        b.flip();
        bigger.put(b);
        return bigger;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
