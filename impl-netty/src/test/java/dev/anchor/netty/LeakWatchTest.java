package dev.anchor.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.junit.jupiter.api.Test;

/**
 * The leak check checked: a buffer dropped without release() is reported, named by where it was
 * made, and fails the check. Each test drains what it caused, so this class itself passes.
 */
class LeakWatchTest {

    @Test
    void aBufferDroppedUnreleasedIsReportedWithItsOrigin() {
        leakOne("reported");

        LeakWatch.collect();

        assertThat(LeakWatch.drain())
                .anySatisfy(r -> assertThat(r).contains("ByteBuf leaked", "reported", "leakOne"));
    }

    @Test
    void aReportedLeakFailsTheCheck() {
        leakOne("failing");

        assertThatThrownBy(() -> NoLeaks.check("this test"))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("buffer leak(s) reported by Netty during this test")
                .hasMessageContaining("failing");
    }

    @Test
    void aReleasedBufferIsNotReported() {
        ByteBuf b = ByteBufAllocator.DEFAULT.directBuffer(64);
        b.writeLong(42);
        b.release();

        NoLeaks.check("a test that releases what it allocates");
    }

    /** Allocates and forgets; the hint makes each leak's record unique, as Netty reports a record once. */
    private static void leakOne(String hint) {
        ByteBuf b = ByteBufAllocator.DEFAULT.directBuffer(64);
        b.writeLong(42);
        b.touch(hint + " " + System.nanoTime());
    }
}
