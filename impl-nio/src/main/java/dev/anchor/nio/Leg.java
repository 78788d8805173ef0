package dev.anchor.nio;

import dev.anchor.core.gateway.Linger;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * One non-blocking TCP connection of a pair, its selection key, and what it still has to write.
 *
 * <p>Interest ops say what the loop should wake us for. {@code OP_WRITE} is on only while bytes
 * are queued: a socket is writable almost always, and asking for it with nothing to write would
 * wake the loop in a busy spin. {@code OP_READ} is turned off by whoever cannot take more bytes
 * right now: that is backpressure in a selector gateway.
 *
 * <p>A queued write of a pooled buffer's slice holds that buffer's {@link BufferPool.Loan} until
 * the socket has taken the last byte of it, or the leg closes.
 *
 * <p>Bytes go through a {@link Wire}: the socket itself, or TLS on it. A TLS wire may hold bytes
 * of its own both ways, and a handshake may want the selector for other things than the leg does;
 * the leg asks the wire, and its handlers never know the difference.
 *
 * <p>Owned by its event loop's thread.
 */
// tag::leg[]
final class Leg implements Selectable, Stoppable {
    /** Bytes waiting to be written, and the loan of the pooled buffer they are part of, if any. */
    private record Outbound(ByteBuffer bytes, BufferPool.Loan loan) {
    }

    private static final ByteBuffer NOTHING = ByteBuffer.allocate(0);

    private final EventLoop loop;
    private final SocketChannel channel;
    private final Wire wire;
    private final Runnable onClose;
    private final ArrayDeque<Outbound> outbound = new ArrayDeque<>(2);
    private LegHandler handler;
    private SelectionKey key;
    private boolean closed;
    /** FIN goes out once the queue is empty; then the handler hears {@code drained}. */
    private boolean finAfterFlush;
    /** Ending: what the peer still sends is read and dropped until it closes, or the deadline. */
    private boolean lingering;
    private int dropped;
    /** When the socket last took any of the queued bytes (or they started to wait): for stalls. */
    private long lastProgress;
    /** What the leg wants the selector for; the wire may ask for more or less ({@link Wire#interestOps}). */
    private int wanted;
    /** Someone was told "not yet" (a send not all written, a FIN behind the queue): it hears {@code drained}. */
    private boolean drainOwed;
    /** A read of bytes the wire already holds is queued on the loop. */
    private boolean readQueued;

    Leg(EventLoop loop, SocketChannel channel, LegHandler handler, Runnable onClose) {
        this(loop, channel, new PlainWire(channel), handler, onClose);
    }

    Leg(EventLoop loop, SocketChannel channel, Wire wire, LegHandler handler, Runnable onClose) {
        this.loop = loop;
        this.channel = channel;
        this.wire = wire;
        this.handler = handler;
        this.onClose = onClose;
        wire.onResume(() -> serve(false, false));
    }

    @Override
    public void ready(SelectionKey k) {
        if (k.isConnectable()) {
            finishConnect();
            return;
        }
        serve(k.isWritable(), k.isReadable());
    }

    /**
     * One event: the wire's own work first (a TLS handshake's next step), then writing, then
     * reading, as asked. Bytes the wire holds already are read in a task of their own, on this
     * loop, soon: the selector will not report them.
     */
    private void serve(boolean writable, boolean readable) {
        if (closed) {
            return;
        }
        boolean moved;
        try {
            moved = wire.progress();
        } catch (IOException e) {
            fail(e);
            return;
        }
        if (writable || (moved && !allWritten())) {
            flush();
        }
        if (!closed && readable) {
            if (lingering) {
                drop();
            } else if (wants(SelectionKey.OP_READ)) {
                handler.readable(this);
            }
        }
        settle();
    }
    // end::leg[]

    // tag::leg-held[]
    /** Interest as the wire would have it now, and a read queued for bytes it holds. */
    private void settle() {
        if (closed) {
            return;
        }
        applyInterest();
        if (!readQueued && !lingering && wants(SelectionKey.OP_READ) && wire.holdsInput()) {
            readQueued = true;
            loop.execute(this::readHeld);
        }
    }

    /** The selector will not report bytes a TLS wire read already: this reads them, one turn of the loop later. */
    private void readHeld() {
        readQueued = false;
        if (!closed && !lingering && wants(SelectionKey.OP_READ) && wire.holdsInput()) {
            handler.readable(this);
        }
        settle();
    }

    private void fail(IOException e) {
        if (lingering || handler == null) {
            close(); // the peer is gone: nothing more to say to it
        } else {
            handler.failed(this, e);
        }
    }
    // end::leg-held[]

    // tag::leg[]
    /**
     * Queues {@code bytes} of the gateway's own and writes as much as the socket takes now; the
     * rest when it is writable. True if nothing is left queued. {@link LegHandler#drained} is
     * called only when a queue left over by an earlier call empties, never from inside this one.
     */
    boolean send(ByteBuffer bytes) {
        return send(bytes, null);
    }

    /** As {@link #send(ByteBuffer)}, for a slice of a pooled buffer: held by this write until it is done. */
    boolean send(ByteBuffer bytes, BufferPool.Loan loan) {
        if (closed || lingering) {
            return false; // a leg that is saying goodbye takes nothing after its last words
        }
        outbound.add(new Outbound(bytes, loan == null ? null : loan.retain()));
        if (outbound.size() == 1) {
            if (!write()) {
                return false;
            }
        }
        if (outbound.isEmpty()) {
            return true;
        }
        drainOwed = true;
        return false;
    }

    /**
     * Writes queued bytes until the socket takes no more; false if the write failed. A queued
     * write stays at the head until the wire has written all of it, its sealed record included.
     */
    private boolean write() {
        try {
            while (!outbound.isEmpty() || wire.holdsOutput()) {
                ByteBuffer head = outbound.isEmpty() ? NOTHING : outbound.peek().bytes();
                if (wire.write(head) > 0) {
                    lastProgress = loop.now();
                }
                if (head.hasRemaining() || wire.holdsOutput()) {
                    if (!wants(SelectionKey.OP_WRITE)) {
                        lastProgress = loop.now(); // a stall is counted from the moment bytes start to wait
                    }
                    interest(SelectionKey.OP_WRITE, true);
                    return true;
                }
                if (!outbound.isEmpty()) {
                    written(outbound.poll());
                }
            }
        } catch (IOException e) {
            fail(e);
            return false;
        }
        interest(SelectionKey.OP_WRITE, false);
        return true;
    }

    private boolean allWritten() {
        return outbound.isEmpty() && !wire.holdsOutput();
    }

    private static void written(Outbound done) {
        if (done.loan() != null) {
            done.loan().release();
        }
    }

    private void flush() {
        if (!write() || !allWritten()) {
            return;
        }
        if (finAfterFlush) {
            finAfterFlush = false;
            shutdownOutput();
            if (!allWritten()) {
                return; // a TLS leg's close_notify waits for the socket, and its FIN behind it: back here when they went
            }
        }
        if (lingering) {
            reading(true);
            return;
        }
        if (drainOwed) {
            drainOwed = false;
            handler.drained(this);
        }
    }

    boolean hasPending() {
        if (outbound.isEmpty()) {
            return false;
        }
        drainOwed = true;
        return true;
    }

    /** Turns reading on or off; off is how a leg says "the other side cannot take more yet". */
    void reading(boolean on) {
        interest(SelectionKey.OP_READ, on);
        if (on) {
            settle(); // bytes the wire holds are read now, not when the socket next has some
        }
    }
    // end::leg[]

    /**
     * How long bytes have waited in this leg's queue without the socket taking any of them; 0 when
     * nothing waits. A peer that reads nothing for long enough is as good as dead.
     */
    long stalledFor(long now) {
        return outbound.isEmpty() ? 0 : now - lastProgress;
    }

    // tag::leg-endings[]
    /**
     * FIN once what is queued has been written: true if it went at once; otherwise the handler
     * hears {@link LegHandler#drained} when it has. Reading goes on (half-close).
     */
    boolean shutdownOutputWhenFlushed() {
        if (outbound.isEmpty()) {
            shutdownOutput();
            if (!wire.holdsOutput()) {
                return true;
            }
            interest(SelectionKey.OP_WRITE, true); // a close_notify the socket did not take yet
        } else {
            finAfterFlush = true;
        }
        drainOwed = true;
        return false;
    }

    /**
     * Ends this leg politely: {@code last} (a Close frame, a refusal; may be null) after what is
     * queued, then FIN, then whatever the peer still sends is read and dropped until it closes
     * too, for at most {@link Linger#TIME} and {@link Linger#BYTES}; then the leg closes. Closing
     * with unread input would send RST, and could destroy those last bytes before they are read.
     */
    void finish(ByteBuffer last) {
        if (closed || lingering) {
            return;
        }
        if (!wire.established()) {
            close(); // a TLS handshake never finished: there is no one to say goodbye to
            return;
        }
        lingering = true;
        handler = null; // nothing it reads or drains from here is anyone's business
        loop.track(this);
        loop.schedule(Linger.TIME.toNanos(), this::close);
        if (last != null) {
            outbound.add(new Outbound(last, null));
        }
        reading(false);
        finAfterFlush = true;
        flush();
    }

    private void drop() {
        ByteBuffer sink = loop.scratch();
        try {
            for (int n = channel.read(sink.clear()); n != 0; n = channel.read(sink.clear())) {
                dropped += Math.max(0, n);
                if (n < 0 || dropped >= Linger.BYTES) {
                    close();
                    return;
                }
            }
        } catch (IOException e) {
            close();
        }
    }
    // end::leg-endings[]

    private boolean wants(int op) {
        return (wanted & op) != 0;
    }

    private void interest(int op, boolean on) {
        wanted = on ? wanted | op : wanted & ~op;
        applyInterest();
    }

    private void applyInterest() {
        if (closed || key == null || !key.isValid() || (key.interestOps() & SelectionKey.OP_CONNECT) != 0) {
            return;
        }
        int ops = wire.interestOps(wanted);
        if (ops != key.interestOps()) {
            key.interestOps(ops);
        }
    }

    /** Registers with the loop; a connecting channel waits for OP_CONNECT first. */
    void register(boolean connecting) {
        key = loop.register(channel, connecting ? SelectionKey.OP_CONNECT : 0, this);
    }

    private void finishConnect() {
        IOException failure = null;
        try {
            channel.finishConnect();
            key.interestOps(0);
        } catch (IOException e) {
            failure = e;
        }
        handler.connected(this, failure);
    }

    int read(ByteBuffer into) throws IOException {
        try {
            return wire.read(into);
        } finally {
            applyInterest(); // a TLS handshake may have moved on, or handed a task to another thread
        }
    }

    void handler(LegHandler h) {
        this.handler = h;
    }

    /** FIN: no more writes from us, reads go on. */
    void shutdownOutput() {
        if (!closed) {
            try {
                wire.shutdownOutput();
            } catch (IOException alreadyReset) {
                // the close that follows reports it
            }
        }
    }

    /** RST instead of FIN: the peer must know this was a failure, not an orderly end. */
    void abort() {
        if (!closed) {
            try {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException ignored) {
                // closing is all that is left
            }
        }
        close(false);
    }

    void close() {
        close(true);
    }

    private void close(boolean politely) {
        if (closed) {
            return;
        }
        wire.close(politely);
        closed = true;
        for (Outbound o = outbound.poll(); o != null; o = outbound.poll()) {
            written(o); // never to be written: its loan ends here
        }
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // the descriptor is released either way
        }
        if (lingering) {
            loop.untrack(this);
        }
        onClose.run();
    }

    /** The gateway is stopping: a lingering leg stops waiting. */
    @Override
    public void stop() {
        close();
    }

    boolean isClosed() {
        return closed;
    }

    InetSocketAddress remote() {
        try {
            return (InetSocketAddress) channel.getRemoteAddress();
        } catch (IOException e) {
            return null;
        }
    }
}
