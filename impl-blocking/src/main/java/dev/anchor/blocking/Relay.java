package dev.anchor.blocking;

import dev.anchor.core.gateway.Flow;
import dev.anchor.core.gateway.Side;
import java.io.IOException;

/**
 * One direction of a tunnel on its own thread: read from one leg, write the same bytes to the
 * other, repeat. The buffer is the only memory the direction holds, and since the next read waits
 * for the write to finish, a slow reader on the far side stops this relay, which stops reading, and
 * TCP's flow control pushes back on the sender. Backpressure comes for free.
 *
 * <p>The buffer is this relay's alone for its whole life, and every write from it has completed
 * before the next read: no byte of it can be waiting to be written when it is read into again.
 */
// tag::relay[]
final class Relay implements Runnable {
    private final Tunnel tunnel;
    private final Side side;
    private final Leg from;
    private final Flow flow;
    private final byte[] buffer;

    Relay(Tunnel tunnel, Side side, Leg from, Flow flow, int bufferSize) {
        this.tunnel = tunnel;
        this.side = side;
        this.from = from;
        this.flow = flow;
        this.buffer = new byte[bufferSize];
    }

    @Override
    public void run() {
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
        }
    }
}
// end::relay[]
