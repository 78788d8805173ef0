package dev.anchor.nio;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Direct buffers of one event loop, lent to a tunnel's direction only while it has bytes in
 * flight. An idle tunnel holds none, so five thousand quiet tunnels cost no buffer memory at all;
 * a busy one holds at most one per direction. Direct, because the kernel reads into and writes
 * from them without the copy a heap buffer would need.
 *
 * <p>A buffer goes back only when its last holder lets go: the direction that read into it, and
 * every queued write of a slice of it. So a tunnel that ends while slices of its buffer still wait
 * to be written toward a slow peer cannot hand that buffer to another tunnel, which would
 * overwrite the bytes before they go out. That rule is the {@link Loan}'s count, not a comment.
 *
 * <p>Owned by the loop's thread.
 */
// tag::buffer-pool[]
final class BufferPool {
    private final int bufferSize;
    private final int maxPooled;
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    /** Loans not yet back; for the tests, and a leak shows in it. */
    private int out;

    BufferPool(int bufferSize, int maxPooled) {
        this.bufferSize = bufferSize;
        this.maxPooled = maxPooled;
    }

    /** A cleared buffer, held once by the caller. */
    Loan lend() {
        ByteBuffer b = free.poll();
        out++;
        return new Loan(b != null ? b : ByteBuffer.allocateDirect(bufferSize));
    }

    /** A buffer of the pool and how many hold it; it returns to the pool when the count reaches zero. */
    final class Loan {
        private final ByteBuffer buffer;
        private int holders = 1;

        private Loan(ByteBuffer buffer) {
            this.buffer = buffer;
        }

        ByteBuffer buffer() {
            if (holders == 0) {
                throw new IllegalStateException("a buffer used after it went back to the pool");
            }
            return buffer;
        }

        /** One more holder, such as a queued write of a slice of this buffer. */
        Loan retain() {
            buffer();
            holders++;
            return this;
        }

        /** A holder lets go; the last one gives the buffer back. */
        void release() {
            if (holders == 0) {
                throw new IllegalStateException("a buffer given back twice");
            }
            if (--holders == 0) {
                out--;
                if (free.size() < maxPooled) {
                    free.push(buffer.clear());
                }
            }
        }
    }
    // end::buffer-pool[]

    int bufferSize() {
        return bufferSize;
    }

    /** Buffers lent and not yet back. */
    int lent() {
        return out;
    }

    /** Buffers waiting in the pool. */
    int pooled() {
        return free.size();
    }
}
