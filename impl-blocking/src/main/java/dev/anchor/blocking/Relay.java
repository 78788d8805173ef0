package dev.anchor.blocking;

import dev.anchor.core.gateway.Flow;
import dev.anchor.core.gateway.Side;
import java.io.IOException;

/**
 * One direction of a tunnel on its own thread: read from one leg, write the same bytes to the
 * other, repeat. Since the next read waits for the write to finish, a slow reader on the far side
 * stops this relay, which stops reading, and TCP's flow control pushes back on the sender.
 * Backpressure comes for free.
 *
 * <p>A direction waits for its next bytes in a small buffer of its own. A read that fills it means
 * more is coming: the relay borrows a {@code tunnel.buffer}-sized one from the gateway's
 * {@link BufferPool} and reads into that until a read leaves room in it, then gives it back. So a
 * busy direction reads in large chunks, an idle one holds {@link #IDLE_BYTES}, and no direction
 * ever has more than {@code tunnel.buffer} bytes in flight: only one buffer at a time holds any. Every write from a buffer has completed before the
 * next read into it, or before it goes back to the pool.
 */
// tag::relay[]
final class Relay implements Runnable {
    /** What a direction keeps between bursts: a small message, header and all, in one read. */
    static final int IDLE_BYTES = 1024;

    private final Tunnel tunnel;
    private final Side side;
    private final Leg from;
    private final Flow flow;
    private final BufferPool buffers;
    private final byte[] idle;

    Relay(Tunnel tunnel, Side side, Leg from, Flow flow, BufferPool buffers) {
        this.tunnel = tunnel;
        this.side = side;
        this.from = from;
        this.flow = flow;
        this.buffers = buffers;
        this.idle = new byte[Math.min(IDLE_BYTES, buffers.size())];
    }

    @Override
    public void run() {
        byte[] buffer = idle;
        try {
            while (true) {
                int n;
                try {
                    n = from.read(buffer, 0, buffer.length);
                } catch (IOException e) {
                    tunnel.failed(side, e);
                    return;
                }
                if (n < 0) {
                    tunnel.finished(side);
                    return;
                }
                if (!tunnel.pass(side, buffer, 0, n, flow)) {
                    return;
                }
                if (n == buffer.length && buffer == idle && buffers.size() > idle.length) {
                    buffer = buffers.lend(); // it filled: a burst, read it in large chunks
                } else if (n < buffer.length && buffer != idle) {
                    buffers.giveBack(buffer); // the burst is over, and every write from it is done
                    buffer = idle;
                }
            }
        } finally {
            if (buffer != idle) {
                buffers.giveBack(buffer);
            }
        }
    }
}
// end::relay[]
