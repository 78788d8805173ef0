package dev.anchor.nio;

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
 * <p>Owned by its event loop's thread.
 */
// tag::leg[]
final class Leg implements Selectable {
    private final EventLoop loop;
    private final SocketChannel channel;
    private final Runnable onClose;
    private final ArrayDeque<ByteBuffer> outbound = new ArrayDeque<>(2);
    private LegHandler handler;
    private SelectionKey key;
    private boolean reading;
    private boolean closed;
    private boolean closingAfterFlush;
    /** When the socket last took any of the queued bytes (or they started to wait): for stalls. */
    private long lastProgress;

    Leg(EventLoop loop, SocketChannel channel, LegHandler handler, Runnable onClose) {
        this.loop = loop;
        this.channel = channel;
        this.handler = handler;
        this.onClose = onClose;
    }

    @Override
    public void ready(SelectionKey k) {
        if (k.isConnectable()) {
            finishConnect();
            return;
        }
        if (k.isWritable()) {
            flush();
        }
        if (!closed && k.isReadable()) {
            handler.readable(this);
        }
    }

    /**
     * Queues {@code bytes} and writes as much as the socket takes now; the rest when it is
     * writable. True if nothing is left queued. {@link LegHandler#drained} is called only when a
     * queue left over by an earlier call empties, never from inside this one.
     */
    boolean send(ByteBuffer bytes) {
        if (closed) {
            return false;
        }
        outbound.add(bytes);
        if (outbound.size() == 1) {
            if (!write()) {
                return false;
            }
        }
        return outbound.isEmpty();
    }

    /** Writes queued bytes until the socket takes no more; false if the write failed. */
    private boolean write() {
        try {
            while (!outbound.isEmpty()) {
                ByteBuffer head = outbound.peek();
                int before = head.remaining();
                channel.write(head);
                if (head.remaining() < before) {
                    lastProgress = loop.now();
                }
                if (head.hasRemaining()) {
                    if (!interestIn(SelectionKey.OP_WRITE)) {
                        lastProgress = loop.now(); // a stall is counted from the moment bytes start to wait
                    }
                    interest(SelectionKey.OP_WRITE, true);
                    return true;
                }
                outbound.poll();
            }
        } catch (IOException e) {
            handler.failed(this, e);
            return false;
        }
        interest(SelectionKey.OP_WRITE, false);
        return true;
    }

    private void flush() {
        if (!write() || !outbound.isEmpty()) {
            return;
        }
        if (closingAfterFlush) {
            close();
        } else {
            handler.drained(this);
        }
    }

    boolean hasPending() {
        return !outbound.isEmpty();
    }

    /** Turns reading on or off; off is how a leg says "the other side cannot take more yet". */
    void reading(boolean on) {
        reading = on;
        interest(SelectionKey.OP_READ, on);
    }
    // end::leg[]

    boolean isReading() {
        return reading;
    }

    /**
     * How long bytes have waited in this leg's queue without the socket taking any of them; 0 when
     * nothing waits. A peer that reads nothing for long enough is as good as dead.
     */
    long stalledFor(long now) {
        return outbound.isEmpty() ? 0 : now - lastProgress;
    }

    /** Closes once what is queued has been written, or after {@code maxWaitNanos} in any case. */
    void closeGracefully(long maxWaitNanos) {
        if (closed) {
            return;
        }
        if (outbound.isEmpty()) {
            close();
            return;
        }
        closingAfterFlush = true;
        reading(false);
        loop.schedule(maxWaitNanos, this::close);
    }

    private boolean interestIn(int op) {
        return key != null && key.isValid() && (key.interestOps() & op) != 0;
    }

    private void interest(int op, boolean on) {
        if (closed || key == null || !key.isValid()) {
            return;
        }
        int ops = key.interestOps();
        int wanted = on ? ops | op : ops & ~op;
        if (wanted != ops) {
            key.interestOps(wanted);
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
        return channel.read(into);
    }

    void handler(LegHandler h) {
        this.handler = h;
    }

    /** FIN: no more writes from us, reads go on. */
    void shutdownOutput() {
        if (!closed) {
            try {
                channel.shutdownOutput();
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
        close();
    }

    void close() {
        if (closed) {
            return;
        }
        closed = true;
        outbound.clear();
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // the descriptor is released either way
        }
        onClose.run();
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

    SocketChannel channel() {
        return channel;
    }
}
