package dev.anchor.bench;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import io.netty.util.internal.PlatformDependent;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * Memory figures as JMH secondary results: {@code -prof dev.anchor.bench.RetainedMemory}. A
 * benchmark takes its readings in set-up and tear-down, where JMH's timer is not running, and
 * leaves the figures here; after each iteration this hands them to JMH, which averages them over
 * iterations and forks like a score and writes them to the result JSON. {@code @AuxCounters} cannot
 * carry them: JMH adds EVENTS counters up over iterations and forks, right for a count of events,
 * wrong for a size (ten iterations reporting 5 KiB each would say 50 KiB).
 */
public final class RetainedMemory implements InternalProfiler {
    private static final Map<String, Double> FIGURES = new ConcurrentSkipListMap<>();

    /**
     * Live heap, the JDK's direct buffers (BufferPoolMXBean "direct") and the direct memory Netty
     * counts for itself, in bytes. Netty 4.2 on this JDK allocates its buffers' memory where the
     * MXBean does not see it (the MXBean read 1 byte while Netty counted 0.8 to 2.8 MB), and both
     * the echo server and the netty gateway are Netty; without its own count, most of the direct
     * memory in the process would be missing.
     */
    record Reading(long heap, long direct, long nettyDirect) {
    }

    /**
     * Reads live memory once full collections have stopped changing the used heap: one collection
     * can leave objects that only a cleaner or a reference handler lets go, for the next one.
     */
    static Reading settled() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long last = -1;
        for (int i = 0; i < 20; i++) {
            System.gc();
            Thread.sleep(200);
            long used = memory.getHeapMemoryUsage().getUsed();
            if (last >= 0 && Math.abs(used - last) < 16 * 1024) {
                return new Reading(used, directBuffersUsed(), Math.max(0, PlatformDependent.usedDirectMemory()));
            }
            last = used;
        }
        throw new IllegalStateException("the used heap did not settle: " + last);
    }

    private static long directBuffersUsed() {
        return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct"))
                .mapToLong(BufferPoolMXBean::getMemoryUsed)
                .sum();
    }

    /** Sets a figure; every iteration from now on reports it, until it is set again or cleared. */
    static void report(String label, double bytes) {
        FIGURES.put(label, bytes);
    }

    /** Forgets every figure: a trial's set-up calls it, so a run without forks reports no stale ones. */
    static void clear() {
        FIGURES.clear();
    }

    @Override
    public String getDescription() {
        return "memory figures a benchmark measured itself, outside the timed part";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmark, IterationParams iteration) {
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmark, IterationParams iteration, IterationResult result) {
        return FIGURES.entrySet().stream()
                .map(f -> new ScalarResult(f.getKey(), f.getValue(), "bytes", AggregationPolicy.AVG))
                .toList();
    }
}
