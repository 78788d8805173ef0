package dev.anchor.cli;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Heap in use after a full collection: what live objects take, without the garbage of the moment.
 * Several samples, the lowest kept, since a collection can leave some garbage for the next one.
 * Off-heap memory (direct buffers, thread stacks, the kernel's socket buffers) is not in it.
 */
final class HeapGauge {
    static final int SAMPLES = 5;

    private HeapGauge() {
    }

    /** Bytes of heap in use after {@code System.gc()}, the lowest of {@link #SAMPLES} tries. */
    static long liveBytes() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long lowest = Long.MAX_VALUE;
        for (int i = 0; i < SAMPLES; i++) {
            System.gc();
            lowest = Math.min(lowest, memory.getHeapMemoryUsage().getUsed());
        }
        return lowest;
    }
}
