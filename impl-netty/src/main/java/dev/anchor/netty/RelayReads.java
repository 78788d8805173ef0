package dev.anchor.netty;

import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.ChannelConfig;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.util.UncheckedBooleanSupplier;
import java.util.function.BooleanSupplier;

/**
 * How one leg reads: buffers of at most {@code tunnel.buffer} bytes, and another read in the same
 * wakeup only while the relay has already written everything it read. With auto-read off, Netty's
 * own allocators stop after one read per {@code read()} call, so a 64 KiB message costs the event
 * loop four trips; the relay's rule (one write in flight per direction) makes the next read safe
 * the moment a write completes at once, and this lets it happen right there. One per channel,
 * because the question "has the relay written everything?" is that channel's.
 */
// tag::relay-reads[]
final class RelayReads implements RecvByteBufAllocator {
    /** Reads per wakeup at most, so one busy tunnel cannot keep its event loop from the others. */
    static final int MAX_READS = 16;

    private final AdaptiveRecvByteBufAllocator sizes;
    /** Whether the relay has asked for the next read; never, until a relay takes over the channel. */
    private BooleanSupplier readAgain = () -> false;

    RelayReads(int tunnelBuffer) {
        this.sizes = new AdaptiveRecvByteBufAllocator(64, tunnelBuffer, tunnelBuffer);
        sizes.maxMessagesPerRead(1);
    }

    /** From now on a wakeup reads again while {@code readAgain} says so. Event loop only. */
    void readAgainWhile(BooleanSupplier readAgain) {
        this.readAgain = readAgain;
    }

    @Override
    public Handle newHandle() {
        return new ReadsHandle(sizes.newHandle());
    }

    private final class ReadsHandle extends DelegatingHandle implements ExtendedHandle {
        private int reads;

        ReadsHandle(Handle sizes) {
            super(sizes);
        }

        @Override
        public void reset(ChannelConfig config) {
            super.reset(config);
            reads = 0;
        }

        @Override
        public void incMessagesRead(int n) {
            super.incMessagesRead(n);
            reads += n;
        }

        @Override
        public boolean continueReading() {
            return continueReading(() -> lastBytesRead() == attemptedBytesRead());
        }

        @Override
        public boolean continueReading(UncheckedBooleanSupplier maybeMoreData) {
            return reads < MAX_READS && lastBytesRead() > 0 && maybeMoreData.get() && readAgain.getAsBoolean();
        }
    }
}
// end::relay-reads[]
