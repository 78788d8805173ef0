package dev.anchor.bench.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * The echo load: connections that each keep a fixed number of messages in flight, all driven by
 * one thread on one selector, so that the client costs as little CPU as a client can and leaves
 * the rest of its core to the echo backend. When echoes come back, as many new messages go out,
 * in one write. Every echoed byte is compared with the {@link MessageRing}; a difference, a
 * connection closed by the target, or a message that never comes back throws
 * {@link WrongEchoException}. Not thread safe: one thread opens, runs, finishes and closes it.
 */
final class EchoLoad implements AutoCloseable {
    private final Selector selector;
    private final MessageRing ring;
    private final int inFlight;
    private final Connection[] connections;
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);
    /** False once {@link #finish} has begun: echoes no longer release new messages. */
    private boolean sending = true;
    /** Where round-trip times go during a run that records them, else null. */
    private LatencySamples latencies;
    /** Messages echoed since the current run began. */
    private long echoed;

    /** The messages echoed in a run, and how long it took. */
    record Tally(long messages, long nanos) {
        double perSecond() {
            return messages * 1e9 / nanos;
        }
    }

    private EchoLoad(InetSocketAddress target, int connectionCount, int inFlight, MessageRing ring) throws IOException {
        this.ring = ring;
        this.inFlight = inFlight;
        this.selector = Selector.open();
        this.connections = new Connection[connectionCount];
        try {
            for (int i = 0; i < connectionCount; i++) {
                connections[i] = new Connection(i, ClientHandshake.open(target));
            }
            long now = System.nanoTime();
            for (Connection c : connections) {
                c.allow(inFlight, now);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    static EchoLoad open(InetSocketAddress target, int connections, int inFlight, MessageRing ring) throws IOException {
        return new EchoLoad(target, connections, inFlight, ring);
    }

    /** Keeps every pipe full for the duration; records round-trip times into latencies unless it is null. */
    Tally run(Duration duration, LatencySamples latencies) throws IOException {
        this.latencies = latencies;
        echoed = 0;
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        while (System.nanoTime() - end < 0) {
            select();
        }
        this.latencies = null;
        return new Tally(echoed, System.nanoTime() - start);
    }

    /** Sends nothing more and waits for the echo of every message sent: a message that never comes back fails the run. */
    void finish(Duration timeout) throws IOException {
        sending = false;
        long end = System.nanoTime() + timeout.toNanos();
        while (!allEchoed()) {
            if (System.nanoTime() - end > 0) {
                long lost = 0;
                for (Connection c : connections) {
                    lost += c.framesAllowed() - c.framesEchoed();
                }
                throw new WrongEchoException(lost + " messages were never echoed (waited " + timeout.toSeconds() + " s)");
            }
            select();
        }
    }

    private boolean allEchoed() {
        for (Connection c : connections) {
            if (c.framesEchoed() != c.framesAllowed()) {
                return false;
            }
        }
        return true;
    }

    private void select() throws IOException {
        try {
            selector.select(key -> {
                Connection c = (Connection) key.attachment();
                try {
                    if (key.isReadable()) {
                        c.read();
                    }
                    if (key.isValid() && key.isWritable()) {
                        c.write();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }, 10);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public void close() throws IOException {
        for (Connection c : connections) {
            if (c != null) {
                c.channel.close();
            }
        }
        selector.close();
    }

    /** One connection's place in its two streams, in bytes counted round the ring. */
    private final class Connection {
        final int index;
        final SocketChannel channel;
        final SelectionKey key;
        final long sendStart;
        final long echoStart;
        /** Request bytes written so far. */
        long sendPosition;
        /** Request bytes of the messages released so far; the writer catches up to it. */
        long sendLimit;
        /** Echo bytes received and checked so far. */
        long echoPosition;
        /** When each message in flight was released, by message number modulo inFlight. */
        final long[] sentAt = new long[inFlight];

        Connection(int index, SocketChannel channel) throws IOException {
            this.index = index;
            this.channel = channel;
            int first = ring.firstFrame(index);
            sendStart = sendPosition = sendLimit = (long) first * ring.requestBytes;
            echoStart = echoPosition = (long) first * ring.echoBytes;
            channel.configureBlocking(false);
            key = channel.register(selector, SelectionKey.OP_READ, this);
        }

        long framesAllowed() {
            return (sendLimit - sendStart) / ring.requestBytes;
        }

        long framesEchoed() {
            return (echoPosition - echoStart) / ring.echoBytes;
        }

        void allow(long frames, long now) throws IOException {
            long first = framesAllowed();
            for (long f = first; f < first + frames; f++) {
                sentAt[(int) (f % inFlight)] = now;
            }
            sendLimit += frames * ring.requestBytes;
            write();
        }

        void write() throws IOException {
            while (sendPosition < sendLimit) {
                ByteBuffer bytes = ring.requests(sendPosition, sendLimit);
                sendPosition += channel.write(bytes);
                if (bytes.hasRemaining()) {
                    key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                    return;
                }
            }
            if ((key.interestOps() & SelectionKey.OP_WRITE) != 0) {
                key.interestOps(SelectionKey.OP_READ);
            }
        }

        void read() throws IOException {
            readBuffer.clear();
            int n = channel.read(readBuffer);
            if (n < 0) {
                throw new WrongEchoException("connection " + index + " was closed by the target after "
                        + framesEchoed() + " echoes, with " + (framesAllowed() - framesEchoed()) + " messages unanswered");
            }
            if (n == 0) {
                return;
            }
            readBuffer.flip();
            // tag::echo-check[]
            long written = (sendPosition - sendStart) / ring.requestBytes;
            if (echoPosition + n > echoStart + written * ring.echoBytes) {
                throw new WrongEchoException("connection " + index + " received more bytes than the messages it sent");
            }
            long bad = ring.mismatch(readBuffer, echoPosition);
            if (bad >= 0) {
                long offset = bad - echoStart;
                throw new WrongEchoException("connection " + index + ": echoed byte " + offset + " (message "
                        + offset / ring.echoBytes + ", byte " + offset % ring.echoBytes + ") is "
                        + Io.hex(readBuffer.get(readBuffer.position() + (int) (bad - echoPosition)))
                        + ", expected " + Io.hex(ring.expectedEcho(bad)));
            }
            // end::echo-check[]
            long before = framesEchoed();
            echoPosition += n;
            long done = framesEchoed() - before;
            if (done > 0) {
                echoed += done;
                long now = System.nanoTime();
                if (latencies != null) {
                    for (long f = before; f < before + done; f++) {
                        latencies.add(now - sentAt[(int) (f % inFlight)]);
                    }
                }
                if (sending) {
                    allow(done, now);
                }
            }
        }
    }
}
