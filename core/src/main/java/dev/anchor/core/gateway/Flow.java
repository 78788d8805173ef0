package dev.anchor.core.gateway;

import io.micrometer.core.instrument.Counter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The accounting of one direction of one tunnel: bytes passed on, and bytes the gateway holds
 * (taken from one socket, not yet accepted by the other). {@link #peakBuffered()} is how a test
 * proves memory stays bounded under a slow reader without timing anything.
 */
// tag::flow[]
public final class Flow {
    private final Counter total;
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong buffered = new AtomicLong();
    private final AtomicLong peakBuffered = new AtomicLong();

    Flow(Counter total) {
        this.total = total;
    }

    /** {@code n} bytes were read from the source socket into a gateway buffer. */
    public void received(int n) {
        long now = buffered.addAndGet(n);
        peakBuffered.accumulateAndGet(now, Math::max);
    }

    /** {@code n} buffered bytes were accepted by the destination socket. */
    public void sent(int n) {
        buffered.addAndGet(-n);
        forwarded.addAndGet(n);
        total.increment(n);
    }
    // end::flow[]

    /** {@code n} buffered bytes will never be sent: the destination failed. */
    public void dropped(int n) {
        buffered.addAndGet(-n);
    }

    public long forwarded() {
        return forwarded.get();
    }

    public long buffered() {
        return buffered.get();
    }

    public long peakBuffered() {
        return peakBuffered.get();
    }
}
