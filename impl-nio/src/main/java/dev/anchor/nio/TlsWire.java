package dev.anchor.nio;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * TLS on a client leg: an {@link SSLEngine} between the socket and the {@link Leg}. The engine does
 * no I/O of its own. It is a state machine that turns records into bytes ({@code unwrap}) and bytes
 * into records ({@code wrap}), and says after each step what it needs next: a record from the peer
 * ({@code NEED_UNWRAP}), to send one of its own ({@code NEED_WRAP}), a slow computation run
 * somewhere ({@code NEED_TASK}), or nothing ({@code NOT_HANDSHAKING}). This class answers those
 * needs with non-blocking reads and writes, from the selector loop, and hides them from the leg:
 * the head reader, the refusals, the relays and the frame scanner see plaintext only.
 *
 * <p>Three buffers, each borrowed from the loop's pool of record-sized buffers only while it holds
 * bytes: {@code netIn} (records read, not yet opened), {@code appIn} (one opened record's bytes, not
 * yet asked for) and {@code netOut} (one sealed record, not yet taken by the socket). They are sized
 * to the largest record a fresh engine allows (on JDK 25: packets of 16,709 bytes, 16,704 of
 * application bytes), and a session only ever shrinks that, so an underflow means "read more" and
 * never "grow"; a record that would not fit is refused rather than grown into. An idle TLS tunnel
 * therefore holds no buffer here, unless the client stopped in the middle of a record. What it does
 * hold is the engine: its session (keys, the peer's certificates if any, the server's shared), two
 * cipher states, and, once the handshake is done, no record buffers of its own: the JDK's engine
 * reads and writes only the buffers it is handed. (Its size per tunnel is not measured here.)
 *
 * <p>Backpressure stays the relay's: a record is opened only when the reader asks for bytes and
 * {@code appIn} is empty, so at most one record's plaintext waits here. Per direction, the bytes
 * in memory are bounded by {@code tunnel.buffer} plus, client to backend, {@code netIn} and {@code
 * appIn} (2 × 16,709), and backend to client, {@code netOut} (16,709): with the default 16 KiB
 * {@code tunnel.buffer}, at most 49,802 and 33,093 bytes, the kernel's socket buffers aside.
 *
 * <p>Owned by its leg's event loop's thread; only a delegated task runs elsewhere, and the
 * engine is not touched on the loop until it is done.
 */
// tag::tls-wire[]
final class TlsWire implements Wire {
    private static final System.Logger LOG = System.getLogger(TlsWire.class.getName());
    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final EventLoop loop;
    private final SocketChannel channel;
    private final SSLEngine engine;
    private final BufferPool records;
    private Runnable resume = () -> { };
    /** Records read from the socket, not yet opened; read mode; null when empty. */
    private BufferPool.Loan netIn;
    /** Bytes of an opened record the reader has not taken yet; read mode; null when empty. */
    private BufferPool.Loan appIn;
    /** A sealed record the socket has not taken yet; read mode; null when empty. */
    private BufferPool.Loan netOut;
    /** The first handshake is done: application bytes can move. */
    private boolean established;
    /** A delegated task runs off the loop: the engine is not ours to touch until it is done. */
    private boolean working;
    /** {@code netIn} holds part of a record only, and the socket had no more. */
    private boolean starved;
    /** The peer's close_notify (or its FIN) arrived; {@code endSeen} once a read has said so. */
    private boolean inboundDone;
    private boolean endSeen;
    /** Our close_notify is due, and the FIN behind it. */
    private boolean outboundClosed;
    private boolean finPending;
    private boolean closed;
    /** Bytes the socket has taken, ever: what a write reports as progress. */
    private long flushed;
    private int lastSealed;

    TlsWire(EventLoop loop, SocketChannel channel, SSLEngine engine) throws SSLException {
        this.loop = loop;
        this.channel = channel;
        this.engine = engine;
        this.records = loop.records(Math.max(engine.getSession().getPacketBufferSize(),
                engine.getSession().getApplicationBufferSize()));
        engine.beginHandshake();
    }

    @Override
    public void onResume(Runnable resume) {
        this.resume = resume;
    }

    @Override
    public boolean established() {
        return established;
    }
    // end::tls-wire[]

    // tag::tls-handshake[]
    /**
     * Runs the engine as far as it goes without waiting: sends what it wants sent, opens what it
     * wants opened, hands its tasks to another thread. True when application bytes can move; false
     * when the handshake waits for the peer, the socket, or a task.
     */
    private boolean advance() throws IOException {
        try {
            while (!working) {
                switch (engine.getHandshakeStatus()) {
                    case NOT_HANDSHAKING, FINISHED -> {
                        established = true;
                        return true;
                    }
                    case NEED_TASK -> delegate();
                    case NEED_WRAP -> {
                        if (!seal(NOTHING)) {
                            return false; // the socket is full: OP_WRITE, and on from here when it is not
                        }
                        if (lastSealed == 0 && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
                            return established; // nothing to say after all: never spin on it
                        }
                    }
                    case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                        if (appIn != null || inboundDone) {
                            return established; // the reader takes what was opened first; or the peer is gone
                        }
                        if (!unwrap()) {
                            return false; // no whole record here: the selector says when more comes
                        }
                    }
                }
            }
            return false;
        } catch (SSLException e) {
            if (!established) {
                refuse(e);
            }
            throw e;
        }
    }

    /**
     * The engine's slow steps (checking a certificate, signing with the key) run on a virtual
     * thread, not the loop, which serves every other connection meanwhile. Until they are done
     * this wire asks the selector for nothing; then the leg resumes on its loop.
     */
    private void delegate() {
        working = true;
        List<Runnable> tasks = new ArrayList<>(2);
        for (Runnable t = engine.getDelegatedTask(); t != null; t = engine.getDelegatedTask()) {
            tasks.add(t);
        }
        Thread.ofVirtual().name("anchor-tls-task").start(() -> {
            try {
                tasks.forEach(Runnable::run); // a task's failure is the engine's to report, at the next step
            } finally {
                loop.execute(this::resumed);
            }
        });
    }

    private void resumed() {
        working = false;
        if (!closed) {
            resume.run();
        }
    }

    /** A handshake that failed: one line, and the engine's alert if the socket takes it now. */
    private void refuse(SSLException e) {
        LOG.log(System.Logger.Level.DEBUG, "TLS handshake with {0} failed, closing: {1}", peer(), e.getMessage());
        try {
            for (int i = 0; i < 2 && engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP; i++) {
                seal(NOTHING);
            }
        } catch (IOException | RuntimeException ignored) {
            // the peer learns from the close instead
        }
    }
    // end::tls-handshake[]

    // tag::tls-read[]
    @Override
    public int read(ByteBuffer into) throws IOException {
        boolean open = advance();
        int n = 0;
        while (into.hasRemaining()) {
            if (appIn != null) {
                n += take(into); // opened already: the reader has it whatever the handshake waits for
            } else if (!open || inboundDone) {
                break;
            } else if (!unwrap()) {
                break; // no whole record here, and the socket has no more for now
            } else {
                open = advance(); // a post-handshake message (a key update, a ticket) may want a write or a task
            }
        }
        return n == 0 && endOfStream() ? -1 : n;
    }

    private boolean endOfStream() {
        if (inboundDone && appIn == null) {
            endSeen = true;
            return true;
        }
        return false;
    }

    /**
     * Opens the next record into {@code appIn}, reading the socket if no whole record is here; false
     * if the socket had no more. One record at a time, and only into an empty {@code appIn}: the
     * engine never runs ahead of the reader.
     */
    private boolean unwrap() throws IOException {
        while (true) {
            if (netIn == null || starved) {
                int n = fill();
                if (n < 0) {
                    // a FIN without close_notify: many clients end so. The stream ends here as it would in
                    // plaintext, and closeInbound() is not called: it would fail the engine, our direction too
                    inboundDone = true;
                    return true;
                }
                if (n == 0) {
                    return false;
                }
            }
            if (appIn == null) {
                appIn = records.lend();
            }
            SSLEngineResult r;
            try {
                r = engine.unwrap(netIn.buffer(), appIn.buffer());
            } finally {
                appIn.buffer().flip();
                appIn = keptIfAny(appIn);
                netIn = keptIfAny(netIn);
            }
            switch (r.getStatus()) {
                case OK -> {
                    // nothing taken and nothing made outside a handshake would be a loop that never ends
                    return r.bytesConsumed() > 0 || r.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING;
                }
                case CLOSED -> {
                    inboundDone = true; // close_notify: the client's stream ends, and the backend hears FIN
                    return true;
                }
                case BUFFER_UNDERFLOW -> {
                    if (netIn != null && netIn.buffer().remaining() == netIn.buffer().capacity()) {
                        throw new SSLException("a record larger than the session's packet size");
                    }
                    starved = true; // part of a record: read on
                }
                case BUFFER_OVERFLOW -> throw new SSLException("a record larger than the session's application buffer");
            }
        }
    }

    /** Reads what the socket has behind what {@code netIn} holds; -1 at its end. */
    private int fill() throws IOException {
        if (netIn == null) {
            netIn = records.lend();
            netIn.buffer().flip();
        }
        ByteBuffer b = netIn.buffer().compact();
        int n;
        try {
            n = channel.read(b);
        } finally {
            b.flip();
        }
        if (n > 0) {
            starved = false;
        }
        netIn = keptIfAny(netIn);
        return n;
    }

    private int take(ByteBuffer into) {
        ByteBuffer from = appIn.buffer();
        int n = Math.min(from.remaining(), into.remaining());
        into.put(into.position(), from, from.position(), n).position(into.position() + n);
        from.position(from.position() + n);
        appIn = keptIfAny(appIn);
        return n;
    }

    /**
     * Bytes read from the socket that the reader can have without the selector's word: it said
     * "readable" once for bytes that came as several records, and it will not say it again. Not
     * while a task runs, nor while a handshake waits to write: a read could not move then.
     */
    @Override
    public boolean holdsInput() {
        if (working) {
            return false;
        }
        if (appIn != null || (inboundDone && !endSeen)) {
            return true;
        }
        return netIn != null && !starved && (netOut == null || !handshaking());
    }
    // end::tls-read[]

    // tag::tls-write[]
    @Override
    public int write(ByteBuffer from) throws IOException {
        long before = flushed;
        if (flushOwn() && advance()) {
            while (from.hasRemaining()) {
                if (outboundClosed || engine.isOutboundDone()) {
                    // TLS 1.2 has no half-close: the client's close_notify closed our direction too
                    throw new IOException("the TLS session toward the client is closed");
                }
                if (!seal(from)) {
                    break; // the socket is full: the rest waits in the leg's queue, OP_WRITE on
                }
            }
        }
        return (int) (flushed - before);
    }

    /** Seals what fits of {@code from} in one record (or the engine's own next message) and flushes it; false if some of it still waits. */
    private boolean seal(ByteBuffer from) throws IOException {
        lastSealed = 0;
        if (!flushNetOut()) {
            return false;
        }
        netOut = records.lend();
        SSLEngineResult r;
        try {
            r = engine.wrap(from, netOut.buffer());
        } finally {
            netOut.buffer().flip();
            netOut = keptIfAny(netOut);
        }
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
            throw new SSLException("a record larger than the session's packet size");
        }
        lastSealed = r.bytesProduced();
        return flushNetOut();
    }

    private boolean flushNetOut() throws IOException {
        if (netOut == null) {
            return true;
        }
        flushed += channel.write(netOut.buffer());
        netOut = keptIfAny(netOut);
        return netOut == null;
    }

    /** Flushes our sealed bytes, then the close_notify and the FIN behind it if they are due; true when nothing of ours waits. */
    private boolean flushOwn() throws IOException {
        if (!flushNetOut()) {
            return false;
        }
        while (outboundClosed && !engine.isOutboundDone()) {
            if (!seal(NOTHING)) {
                return false;
            }
            if (lastSealed == 0) {
                break;
            }
        }
        if (finPending) {
            finPending = false;
            channel.shutdownOutput();
        }
        return true;
    }

    @Override
    public boolean holdsOutput() {
        return netOut != null || finPending;
    }

    /**
     * The leg asks for what it wants; a handshake may want more or less. While a task runs,
     * nothing: the engine is busy elsewhere. While the engine waits for the peer's next message,
     * OP_READ whoever wants to read (a write may need a read), and no OP_WRITE unless a sealed
     * record waits (there is nothing to write before the peer answers).
     */
    @Override
    public int interestOps(int wanted) {
        if (working) {
            return 0;
        }
        boolean needsPeer = engine.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP && !inboundDone;
        int ops = wanted;
        if (needsPeer) {
            ops = (ops | SelectionKey.OP_READ) & ~SelectionKey.OP_WRITE;
        }
        if (holdsOutput()) {
            ops |= SelectionKey.OP_WRITE;
        }
        return ops;
    }

    /**
     * A handshake's steps on any readiness event, whoever the leg is reading for; true if it
     * finished with this one. Outside a handshake there is nothing to do here: the leg's own
     * flush writes what we hold.
     */
    @Override
    public boolean progress() throws IOException {
        if (working || closed || !handshaking()) {
            return false;
        }
        if (flushOwn()) {
            advance();
        }
        return !working && !handshaking();
    }

    private boolean handshaking() {
        HandshakeStatus s = engine.getHandshakeStatus();
        return !established || (s != HandshakeStatus.NOT_HANDSHAKING && s != HandshakeStatus.FINISHED);
    }
    // end::tls-write[]

    // tag::tls-endings[]
    /**
     * Half-close toward the client: close_notify, then FIN, and reading goes on. TLS 1.3 allows it
     * (RFC 8446 §6.1): the client may keep sending until it closes too. TLS 1.2 does not (RFC 5246
     * §7.2.1): a client that receives close_notify must answer with its own and stop sending, so
     * its direction ends soon after ours, and what it had still to send is lost to the backend.
     */
    @Override
    public void shutdownOutput() throws IOException {
        if (outboundClosed) {
            return;
        }
        outboundClosed = true;
        finPending = true;
        engine.closeOutbound();
        flushOwn(); // if the socket is full, the rest goes when it is writable: holdsOutput() says so
    }

    /**
     * Closing: a close_notify if we have not said it, only if the socket takes it now (a peer that
     * does not read does not hold the close up), and never on an abort, which is RST and nothing
     * else. Then the buffers go back.
     */
    @Override
    public void close(boolean politely) {
        if (closed) {
            return;
        }
        if (politely && established && !outboundClosed && !working) {
            outboundClosed = true;
            engine.closeOutbound();
            try {
                flushOwn();
            } catch (IOException | RuntimeException ignored) {
                // the close says the rest
            }
        }
        closed = true;
        netIn = release(netIn);
        appIn = release(appIn);
        netOut = release(netOut);
    }
    // end::tls-endings[]

    private Object peer() {
        try {
            return channel.getRemoteAddress();
        } catch (IOException e) {
            return "a client gone already";
        }
    }

    private static BufferPool.Loan keptIfAny(BufferPool.Loan loan) {
        if (loan != null && !loan.buffer().hasRemaining()) {
            loan.release();
            return null;
        }
        return loan;
    }

    private static BufferPool.Loan release(BufferPool.Loan loan) {
        if (loan != null) {
            loan.release();
        }
        return null;
    }
}
