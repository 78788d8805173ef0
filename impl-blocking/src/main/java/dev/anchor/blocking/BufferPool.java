package dev.anchor.blocking;

import java.util.concurrent.ArrayBlockingQueue;

/**
 * The gateway's large read buffers, {@code tunnel.buffer} bytes each, lent to a relay for a burst
 * of reads and given back when the burst ends. An idle direction keeps only its small buffer:
 * thousands of idle tunnels each holding two large arrays for life is most of what a blocking
 * gateway's memory was.
 *
 * <p>A relay gives a buffer back only after every write from it has returned, and a blocking write
 * returns once the kernel has copied the bytes, so no buffer is ever read into while bytes of it
 * wait to be written. Thread-safe.
 */
final class BufferPool {
    /** Buffers kept for the next burst; more are allocated when a burst finds none, and dropped when the pool is full. */
    private static final int KEPT = 256;

    private final int size;
    private final ArrayBlockingQueue<byte[]> free = new ArrayBlockingQueue<>(KEPT);

    BufferPool(int size) {
        this.size = size;
    }

    int size() {
        return size;
    }

    byte[] lend() {
        byte[] b = free.poll();
        return b != null ? b : new byte[size];
    }

    void giveBack(byte[] buffer) {
        free.offer(buffer); // a full pool lets the garbage collector have it
    }
}
