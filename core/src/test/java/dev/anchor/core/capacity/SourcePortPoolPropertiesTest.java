package dev.anchor.core.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Random sequences of acquire, release, refusal by the kernel and time passing over small pools,
 * checked after every step against a model that only knows which pairs are held and which rest
 * until when: no pair is held twice, the counts add up and agree with the model, a resting pair
 * stays out until its time and comes back then, and acquire fails exactly when the model has
 * nothing free.
 */
class SourcePortPoolPropertiesTest {
    private static final int LOW_PORT = 40000;
    private static final Duration SET_ASIDE = Duration.ofSeconds(60);
    private static final long SET_ASIDE_NANOS = SET_ASIDE.toNanos();

    @Test
    void anySequenceOfOperationsKeepsThePoolConsistentWithTheModel() {
        qt().withFixedSeed(20_240_611L).withExamples(1000).withShrinkCycles(100)
                .forAll(integers().between(1, 4),
                        integers().between(1, 8),
                        lists().of(integers().between(0, 999_999)).ofSizeBetween(1, 200),
                        integers().between(0, 1))
                .checkAssert((addressCount, portCount, ops, nearWrap) -> {
                    // half the runs start just before the nanosecond clock wraps, as System.nanoTime may
                    long start = nearWrap == 1 ? Long.MAX_VALUE - TimeUnit.SECONDS.toNanos(100) : 0;
                    new Run(addresses(addressCount), portCount, start).play(ops);
                });
    }

    /** One sequence: the pool, its clock, and the model it is checked against. */
    private static final class Run {
        private final List<InetAddress> addresses;
        private final int ports;
        private final int capacity;
        private final long[] clock = new long[1];
        private final SourcePortPool pool;
        /** What the model holds, in the order it was acquired. */
        private final List<SourceSlot> held = new ArrayList<>();
        /** Pairs the kernel refused, with the time they may be used again. */
        private final Map<InetSocketAddress, Long> resting = new LinkedHashMap<>();
        private long refusals;
        private long kernelRefusals;
        /** The address of the last pair handed out, null before the first. */
        private InetAddress lastAddress;

        Run(List<InetAddress> addresses, int ports, long start) {
            this.addresses = addresses;
            this.ports = ports;
            this.capacity = addresses.size() * ports;
            this.clock[0] = start;
            this.pool = new SourcePortPool(addresses, LOW_PORT, LOW_PORT + ports - 1, SET_ASIDE, () -> clock[0]);
        }

        void play(List<Integer> ops) {
            check("at the start");
            for (int step = 0; step < ops.size(); step++) {
                int op = ops.get(step);
                int choice = op / 10;
                String what;
                switch (op % 10) {
                    case 0, 1, 2, 3 -> what = acquire();
                    case 4, 5 -> what = release(choice);
                    case 6, 7 -> what = setAside(choice);
                    default -> what = advance(choice % 91);
                }
                check("step " + step + " (" + what + ") of " + ops);
            }
        }

        private String acquire() {
            wakeModel();
            int free = modelFree();
            Optional<SourceSlot> got = pool.acquire();
            if (free == 0) {
                assertThat(got).as("acquire with nothing free in the model").isEmpty();
                refusals++;
                return "acquire: refused";
            }
            assertThat(got).as("acquire with %d free in the model", free).isPresent();
            if (lastAddress != null && addresses.stream().anyMatch(a -> !a.equals(lastAddress) && modelFreeAt(a) > 0)) {
                assertThat(got.get().address()).as("acquire right after one from %s while another address has a free"
                        + " pair", lastAddress).isNotEqualTo(lastAddress);
            }
            take(got.get());
            return "acquire " + got.get();
        }

        private String release(int choice) {
            if (held.isEmpty()) {
                return "release: nothing held";
            }
            wakeModel();
            boolean wasFull = modelFree() == 0;
            SourceSlot slot = held.remove(choice % held.size());
            pool.release(slot);
            if (!wasFull) {
                return "release " + slot;
            }
            // the pool was full: the pair just released is the only free one, and only once
            check("after releasing " + slot + " from a full pool");
            Optional<SourceSlot> again = pool.acquire();
            assertThat(again).as("acquire after releasing %s from a full pool", slot).isPresent();
            assertThat(again.get().socketAddress()).isEqualTo(slot.socketAddress());
            take(again.get());
            assertThat(pool.acquire()).as("a second acquire after one release from a full pool").isEmpty();
            refusals++;
            return "release " + slot + " from a full pool, acquire it again, then be refused";
        }

        private String setAside(int choice) {
            if (held.isEmpty()) {
                return "set aside: nothing held";
            }
            SourceSlot slot = held.remove(choice % held.size());
            pool.setAside(slot);
            resting.put(slot.socketAddress(), clock[0] + SET_ASIDE_NANOS);
            kernelRefusals++;
            return "set aside " + slot;
        }

        private String advance(int seconds) {
            clock[0] += TimeUnit.SECONDS.toNanos(seconds);
            return "advance " + seconds + " s";
        }

        private void take(SourceSlot slot) {
            InetSocketAddress pair = slot.socketAddress();
            assertThat(addresses).as("address of %s", slot).contains(slot.address());
            assertThat(slot.port()).as("port of %s", slot).isBetween(LOW_PORT, LOW_PORT + ports - 1);
            assertThat(slot.index()).isBetween(0, capacity - 1);
            assertThat(held).as("held pairs when %s was handed out", slot)
                    .noneMatch(h -> h.socketAddress().equals(pair));
            assertThat(resting).as("a pair handed out while it rests").doesNotContainKey(pair);
            held.add(slot);
            lastAddress = slot.address();
        }

        /** Pairs whose rest is over are free again; compared as a difference, like the pool. */
        private void wakeModel() {
            resting.values().removeIf(until -> clock[0] - until >= 0);
        }

        private long modelFreeAt(InetAddress address) {
            return ports - held.stream().filter(h -> h.address().equals(address)).count()
                    - resting.keySet().stream().filter(p -> p.getAddress().equals(address)).count();
        }

        private int modelFree() {
            return capacity - held.size() - resting.size();
        }

        private void check(String when) {
            wakeModel();
            Set<InetSocketAddress> pairs = new HashSet<>();
            for (SourceSlot s : held) {
                assertThat(pairs.add(s.socketAddress())).as("%s held twice, %s", s, when).isTrue();
            }
            SlotCounts c = pool.counts();
            assertThat(c.capacity()).as(when).isEqualTo(capacity).isEqualTo(pool.capacity());
            assertThat(c.free() + c.inUse() + c.setAside()).as("free + inUse + setAside, %s", when)
                    .isEqualTo(capacity);
            assertThat(c.inUse()).as("in use, %s", when).isEqualTo(held.size());
            assertThat(c.setAside()).as("set aside, %s", when).isEqualTo(resting.size());
            assertThat(c.free()).as("free, %s", when).isEqualTo(modelFree());
            assertThat(c.refusals()).as("refusals, %s", when).isEqualTo(refusals);
            assertThat(c.kernelRefusals()).as("kernel refusals, %s", when).isEqualTo(kernelRefusals);
        }
    }

    private static List<InetAddress> addresses(int n) {
        List<InetAddress> list = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            try {
                list.add(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) i}));
            } catch (UnknownHostException e) {
                throw new AssertionError(e);
            }
        }
        return list;
    }
}
