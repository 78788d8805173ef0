package dev.anchor.nio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;

/** A pooled buffer goes back when its last holder lets go, and never twice. */
class BufferPoolTest {
    private final BufferPool pool = new BufferPool(16, 2);

    @Test
    void aBufferIsLentClearedAndDirect() {
        BufferPool.Loan loan = pool.lend();

        assertThat(loan.buffer().isDirect()).isTrue();
        assertThat(loan.buffer().capacity()).isEqualTo(16);
        assertThat(loan.buffer().position()).isZero();
        assertThat(pool.lent()).isEqualTo(1);
    }

    @Test
    void aBufferGoesBackOnlyWhenItsLastHolderLetsGo() {
        BufferPool.Loan loan = pool.lend();
        loan.retain(); // a queued write of a slice of it
        loan.retain(); // and another

        loan.release(); // the read is done with it
        loan.release(); // the first write completed
        assertThat(pool.pooled()).as("a write still holds it").isZero();
        assertThat(pool.lent()).isEqualTo(1);
        loan.release(); // the last write completed

        assertThat(pool.pooled()).isEqualTo(1);
        assertThat(pool.lent()).isZero();
    }

    @Test
    void aReturnedBufferIsLentAgainClearedAndNotBefore() {
        BufferPool.Loan first = pool.lend();
        ByteBuffer b = first.buffer();
        b.put((byte) 1).flip();
        BufferPool.Loan other = pool.lend();
        assertThat(other.buffer()).as("lent while the first is out: another buffer").isNotSameAs(b);

        first.release();
        BufferPool.Loan again = pool.lend();

        assertThat(again.buffer()).isSameAs(b);
        assertThat(again.buffer().limit()).isEqualTo(16);
        assertThat(again.buffer().position()).isZero();
    }

    @Test
    void aLoanCannotBeUsedOrReleasedAfterItWentBack() {
        BufferPool.Loan loan = pool.lend();
        loan.release();

        assertThatThrownBy(loan::release).isInstanceOf(IllegalStateException.class).hasMessageContaining("twice");
        assertThatThrownBy(loan::buffer).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(loan::retain).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void thePoolKeepsAtMostItsLimitAndLetsTheRestGo() {
        BufferPool.Loan a = pool.lend();
        BufferPool.Loan b = pool.lend();
        BufferPool.Loan c = pool.lend();

        a.release();
        b.release();
        c.release();

        assertThat(pool.pooled()).isEqualTo(2);
        assertThat(pool.lent()).isZero();
    }
}
