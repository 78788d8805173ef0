package dev.anchor.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** When one wakeup may read again: only while the relay has asked for it, the socket may hold more, and not for ever. */
class RelayReadsTest {
    private static final int BUFFER = 16 * 1024;
    private final RelayReads reads = new RelayReads(BUFFER);
    private final RecvByteBufAllocator.ExtendedHandle handle = (RecvByteBufAllocator.ExtendedHandle) reads.newHandle();
    private boolean asked;

    RelayReadsTest() {
        handle.reset(new EmbeddedChannel().config());
    }

    /** One read that filled its buffer, as the transport reports it. */
    private void fullRead() {
        ByteBuf buf = handle.allocate(UnpooledByteBufAllocator.DEFAULT);
        assertThat(buf.writableBytes()).isLessThanOrEqualTo(BUFFER);
        handle.attemptedBytesRead(buf.writableBytes());
        handle.lastBytesRead(buf.writableBytes());
        handle.incMessagesRead(1);
        buf.release();
    }

    @Test
    void untilARelayTakesOverOneReadIsAll() {
        fullRead();
        assertThat(handle.continueReading()).isFalse();
    }

    @Test
    void aRelayThatAskedForTheNextReadGetsItInTheSameWakeup() {
        reads.readAgainWhile(() -> asked);
        fullRead();
        assertThat(handle.continueReading()).as("not asked yet: a write is in flight").isFalse();
        asked = true;
        assertThat(handle.continueReading()).isTrue();
    }

    @Test
    void aShortReadMeansTheSocketIsEmpty() {
        reads.readAgainWhile(() -> true);
        handle.attemptedBytesRead(BUFFER);
        handle.lastBytesRead(100);
        handle.incMessagesRead(1);
        assertThat(handle.continueReading()).isFalse();
    }

    @Test
    void oneWakeupReadsAtMostMaxReads() {
        reads.readAgainWhile(() -> true);
        for (int i = 0; i < RelayReads.MAX_READS - 1; i++) {
            fullRead();
            assertThat(handle.continueReading()).as("after read %d", i + 1).isTrue();
        }
        fullRead();
        assertThat(handle.continueReading()).isFalse();
        handle.reset(new EmbeddedChannel().config());
        fullRead();
        assertThat(handle.continueReading()).as("the next wakeup starts again").isTrue();
    }
}
