package dev.anchor.nio;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

/**
 * Direct buffers of one event loop, lent to a tunnel's direction only while it has bytes in
 * flight. An idle tunnel holds none, so five thousand quiet tunnels cost no buffer memory at all;
 * a busy one holds at most one per direction. Direct, because the kernel reads into and writes
 * from them without the copy a heap buffer would need.
 *
 * <p>Owned by the loop's thread.
 */
final class BufferPool {
    private final int bufferSize;
    private final int maxPooled;
    private final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();

    BufferPool(int bufferSize, int maxPooled) {
        this.bufferSize = bufferSize;
        this.maxPooled = maxPooled;
    }

    ByteBuffer acquire() {
        ByteBuffer b = free.poll();
        return b != null ? b : ByteBuffer.allocateDirect(bufferSize);
    }

    /** Takes back a buffer from {@link #acquire()}; anything else (a head's leftover) is ignored. */
    void release(ByteBuffer b) {
        if (b.isDirect() && b.capacity() == bufferSize && free.size() < maxPooled) {
            b.clear();
            free.push(b);
        }
    }
}
