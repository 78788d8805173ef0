package dev.anchor.core.capacity;

import static dev.anchor.core.capacity.SourcePortPoolTest.ip;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A lease ends once, however many end paths call it and from however many threads. */
class SlotLeaseTest {
    private static final InetSocketAddress BACKEND = new InetSocketAddress(ip(1), 9001);
    private static final Duration MINUTE = Duration.ofSeconds(60);
    private static final int THREADS = 8;

    private final long[] clock = {0};
    private ExecutorService executor;

    @AfterEach
    void stopThreads() throws InterruptedException {
        if (executor != null) {
            executor.shutdownNow();
            assertThat(executor.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aPooledLeaseBindsItsPair() {
        PooledSlots slots = pooled(2, 40000, 40001);

        SlotLease lease = slots.acquire().orElseThrow();

        assertThat(slots.binds()).isTrue();
        assertThat(lease.endpoint()).isEqualTo(BACKEND);
        assertThat(lease.bindAddress()).contains(new InetSocketAddress(ip(2), 40000));
        assertThat(lease.slot()).map(SourceSlot::port).contains(40000);
        assertThat(lease.ended()).isFalse();
        assertThat(lease.toString()).isEqualTo("127.0.0.2:40000 -> " + BACKEND);
        assertThat(slots.counts().inUse()).isEqualTo(1);
    }

    @Test
    void releaseIsIdempotent() {
        PooledSlots slots = pooled(1, 40000, 40001);
        SlotLease lease = slots.acquire().orElseThrow();

        assertThat(lease.release()).isTrue();
        SlotCounts after = slots.counts();
        assertThat(after).isEqualTo(new SlotCounts(2, 0, 2, 0, 0, 0));

        assertThat(lease.release()).isFalse();
        assertThat(slots.counts()).isEqualTo(after);
        assertThat(lease.ended()).isTrue();
        assertThat(lease.toString()).endsWith("(ended)");
    }

    @Test
    void refusedByKernelAfterReleaseDoesNothing() {
        PooledSlots slots = pooled(1, 40000, 40001);
        SlotLease lease = slots.acquire().orElseThrow();
        lease.release();

        assertThat(lease.refusedByKernel()).isFalse();
        assertThat(slots.counts()).isEqualTo(new SlotCounts(2, 0, 2, 0, 0, 0));
    }

    @Test
    void refusedByKernelSetsThePairAsideAndEndsTheLease() {
        PooledSlots slots = pooled(1, 40000, 40000);
        SlotLease lease = slots.acquire().orElseThrow();

        assertThat(lease.refusedByKernel()).isTrue();
        assertThat(lease.release()).isFalse();
        assertThat(lease.refusedByKernel()).isFalse();
        assertThat(slots.counts()).isEqualTo(new SlotCounts(1, 0, 0, 1, 0, 1));
        assertThat(slots.acquire()).isEmpty();

        clock[0] += MINUTE.toNanos();
        assertThat(slots.acquire()).isPresent();
    }

    @Test
    void concurrentReleasesCountOnce() throws Exception {
        PooledSlots slots = pooled(1, 40000, 40001);
        executor = Executors.newFixedThreadPool(THREADS);

        for (int round = 0; round < 200; round++) {
            SlotLease lease = slots.acquire().orElseThrow();
            List<Boolean> results = race(t -> lease::release);

            assertThat(results).as("round %d", round).containsOnlyOnce(true);
            assertThat(slots.counts()).as("round %d", round).isEqualTo(new SlotCounts(2, 0, 2, 0, 0, 0));
        }
    }

    @Test
    void concurrentReleaseAndRefusalEndTheLeaseOnce() throws Exception {
        PooledSlots slots = pooled(1, 40000, 40001);
        executor = Executors.newFixedThreadPool(THREADS);
        long refused = 0;

        for (int round = 0; round < 200; round++) {
            SlotLease lease = slots.acquire().orElseThrow();
            // half the threads release, the other half report a refusal by the kernel
            List<Boolean> results = race(t -> t % 2 == 0 ? lease::release : lease::refusedByKernel);

            assertThat(results).as("round %d", round).containsOnlyOnce(true);
            SlotCounts c = slots.counts();
            refused += c.setAside();
            assertThat(c.inUse()).as("round %d", round).isZero();
            assertThat(c.setAside()).as("round %d", round).isBetween(0L, 1L);
            assertThat(c.free() + c.setAside()).as("round %d", round).isEqualTo(2);
            assertThat(c.kernelRefusals()).as("round %d", round).isEqualTo(refused);
            clock[0] += MINUTE.toNanos();   // a pair set aside this round is back for the next
        }
    }

    @Test
    void kernelLeasesAreCountedAndBindNothing() {
        KernelSlots slots = new KernelSlots("127.0.0.1:9001", BACKEND, KernelPortRange.of(32768, 32770));

        SlotLease a = slots.acquire().orElseThrow();
        SlotLease b = slots.acquire().orElseThrow();

        assertThat(slots.binds()).isFalse();
        assertThat(a.bindAddress()).isEmpty();
        assertThat(a.slot()).isEmpty();
        assertThat(a.toString()).isEqualTo("kernel's choice -> " + BACKEND);
        assertThat(slots.counts()).isEqualTo(new SlotCounts(3, 2, 1, 0, 0, 0));

        assertThat(a.release()).isTrue();
        assertThat(a.release()).isFalse();
        assertThat(b.refusedByKernel()).isTrue();
        assertThat(b.release()).isFalse();
        assertThat(slots.counts()).isEqualTo(new SlotCounts(3, 0, 3, 0, 0, 1));
        assertThat(slots.formula()).isEqualTo("1 source address (the kernel's choice) x 3 ephemeral ports = 3");
        assertThat(slots.toString()).isEqualTo("127.0.0.1:9001: " + slots.formula());
    }

    @Test
    void kernelLeasesBeyondTheRangeCountAsFull() {
        KernelSlots slots = new KernelSlots("127.0.0.1:9001", BACKEND, KernelPortRange.of(32768, 32768));

        SlotLease a = slots.acquire().orElseThrow();
        SlotLease b = slots.acquire().orElseThrow();

        assertThat(slots.counts()).isEqualTo(new SlotCounts(1, 1, 0, 0, 0, 0));
        b.refusedByKernel();
        assertThat(slots.counts()).isEqualTo(new SlotCounts(1, 1, 0, 0, 0, 1));
        a.release();
        assertThat(slots.counts()).isEqualTo(new SlotCounts(1, 0, 1, 0, 0, 1));
    }

    @Test
    void kernelLeasesWithAnUnknownRange() {
        KernelSlots slots = new KernelSlots("127.0.0.1:9001", BACKEND, KernelPortRange.unknown("not Linux"));

        slots.acquire().orElseThrow();

        SlotCounts c = slots.counts();
        assertThat(c.capacityKnown()).isFalse();
        assertThat(c).isEqualTo(new SlotCounts(SlotCounts.UNKNOWN, 1, SlotCounts.UNKNOWN, 0, 0, 0));
        assertThat(slots.formula()).endsWith("= unknown (not Linux)");
    }

    /** Every thread t calls {@code ends.apply(t)} on the same start signal; their answers. */
    private List<Boolean> race(IntFunction<Callable<Boolean>> ends) throws Exception {
        CountDownLatch ready = new CountDownLatch(THREADS);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            Callable<Boolean> end = ends.apply(t);
            futures.add(executor.submit(() -> {
                ready.countDown();
                go.await();
                return end.call();
            }));
        }
        assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
        go.countDown();
        List<Boolean> results = new ArrayList<>();
        for (Future<Boolean> f : futures) {
            results.add(f.get(10, TimeUnit.SECONDS));
        }
        return results;
    }

    private PooledSlots pooled(int addresses, int low, int high) {
        List<InetAddress> list = new ArrayList<>();
        for (int i = 2; i < 2 + addresses; i++) {
            list.add(ip(i));
        }
        return new PooledSlots("127.0.0.1:9001", BACKEND, new SourcePortPool(list, low, high, MINUTE, () -> clock[0]));
    }
}
