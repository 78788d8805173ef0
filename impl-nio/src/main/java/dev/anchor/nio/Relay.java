package dev.anchor.nio;

import dev.anchor.core.gateway.Flow;
import dev.anchor.core.gateway.Side;
import dev.anchor.core.gateway.TunnelEnding;
import dev.anchor.core.heartbeat.TunnelLiveness;
import dev.anchor.core.websocket.FrameException;
import dev.anchor.core.websocket.FrameScanner;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * One direction of a tunnel: from {@code source} to {@code destination}, one buffer at most in
 * flight. It reads only while its destination has nothing queued: read, send, and if the socket
 * did not take it all, stop reading the source until the destination says it drained. Memory per
 * direction is therefore at most one buffer, and none at all while the tunnel is quiet.
 *
 * <p>Owned by its event loop's thread, like its tunnel.
 */
// tag::relay[]
final class Relay implements FrameScanner.Output {
    /** Reads per readiness event before giving other channels on the loop their turn. */
    private static final int READS_PER_EVENT = 16;

    private final Tunnel tunnel;
    private final EventLoop loop;
    private final TunnelLiveness liveness;
    private final TunnelEnding ending;
    private final Side side;
    private final Leg source;
    private final Leg destination;
    private final Flow flow;
    private final FrameScanner scanner;
    /** The bytes being scanned, and their loan if they are a pooled buffer; only during {@link #take}. */
    private ByteBuffer scanning;
    private BufferPool.Loan scanningLoan;
    /** Bytes passed on and not yet accepted by the destination: for the accounting. */
    private int inFlightBytes;
    private boolean sourceEnded;
    /** The FIN is queued behind bytes the destination has not taken yet. */
    private boolean finQueued;

    Relay(Tunnel tunnel, EventLoop loop, Side side, Leg source, Leg destination, Flow flow) {
        this.tunnel = tunnel;
        this.loop = loop;
        this.liveness = tunnel.liveness();
        this.ending = tunnel.ending();
        this.side = side;
        this.source = source;
        this.destination = destination;
        this.flow = flow;
        this.scanner = liveness == null ? null : liveness.scannerFrom(side);
    }

    /** Reads what the source has, a few buffers at most, and passes it on; a read that leaves room in its buffer is the last. */
    void read() {
        for (int i = 0; i < READS_PER_EVENT; i++) {
            BufferPool.Loan loan = loop.buffers().lend();
            try {
                int n;
                try {
                    n = source.read(loan.buffer());
                } catch (IOException e) {
                    tunnel.failed(source, e);
                    return;
                }
                if (n <= 0) {
                    if (n < 0) {
                        sourceEnded();
                    }
                    return;
                }
                boolean shortRead = loan.buffer().hasRemaining();
                if (!take(loan.buffer().flip(), loan, n) || destination.hasPending()) {
                    pause();
                    return;
                }
                if (shortRead) {
                    return; // the socket had no more: another read would only hear EAGAIN, and the selector will say when
                }
            } finally {
                loan.release(); // what was passed on holds the buffer until it is written
            }
        }
    }

    /**
     * Passes {@code n} bytes from the source on: all of them in off mode, all but the
     * gateway's own Pongs in ping mode. False if the tunnel ended or the bytes still wait.
     */
    boolean take(ByteBuffer bytes, BufferPool.Loan loan, int n) {
        if (ending.ended()) {
            return false; // read in the same wakeup as the end: nothing more goes through
        }
        tunnel.touch();
        flow.received(n);
        scanning = bytes;
        scanningLoan = loan;
        int before = inFlightBytes;
        try {
            if (scanner == null) {
                pass(bytes.position(), bytes.limit());
            } else {
                liveness.heard(side);
                try {
                    scanner.scan(bytes, this);
                } catch (FrameException e) {
                    flow.dropped(n - (inFlightBytes - before)); // what came before the forbidden frame is queued, ahead of the Close
                    tunnel.end(ending.protocolError(side, e));
                    return false;
                }
                flow.dropped(n - (inFlightBytes - before)); // taken out: the gateway's Pongs
                tunnel.pingIfDue(side.other()); // the stream toward the other leg may just have reached a boundary
            }
        } finally {
            scanning = null;
            scanningLoan = null;
        }
        if (ending.ended() || destination.hasPending()) {
            return false;
        }
        delivered();
        return true;
    }

    @Override
    public void pass(int from, int to) {
        inFlightBytes += to - from;
        destination.send(scanning.slice(from, to - from), scanningLoan);
    }

    @Override
    public void passHeld(byte[] held, int length) {
        inFlightBytes += length;
        destination.send(ByteBuffer.wrap(held, 0, length));
    }

    /** The destination took everything queued: read on, or pass the FIN, or count the FIN passed. */
    void drained() {
        delivered();
        if (finQueued) {
            finQueued = false;
            tunnel.finPassed();
        } else if (sourceEnded) {
            passFin();
        } else {
            resume();
        }
    }
// end::relay[]

    private void delivered() {
        flow.sent(inFlightBytes);
        inFlightBytes = 0;
    }

    private void sourceEnded() {
        sourceEnded = true;
        source.reading(false); // at EOF OP_READ would fire for ever
        if (!destination.hasPending()) {
            passFin();
        }
    }

    /** The source's FIN, behind everything it sent: a half-close of the destination, perhaps after a Close. */
    private void passFin() {
        TunnelEnding.LegEnd fin = ending.streamEnded(side);
        if (fin == null) {
            return; // the tunnel has ended meanwhile
        }
        if (fin.close() != null) {
            destination.send(fin.close());
        }
        if (destination.shutdownOutputWhenFlushed()) {
            tunnel.finPassed();
        } else {
            finQueued = true;
        }
    }

    /** Backpressure: the source is not read until the destination drains, and its silence meanwhile is ours. */
    private void pause() {
        if (ending.ended()) {
            return; // the legs are the plan's now, reading included
        }
        source.reading(false);
        if (liveness != null) {
            liveness.holding(side);
        }
    }

    void resume() {
        if (!ending.ended() && !sourceEnded && !destination.hasPending()) {
            source.reading(true);
            if (liveness != null) {
                liveness.released(side);
            }
        }
    }
}
