package dev.anchor.core.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SourcePortPoolTest {
    private static final Duration MINUTE = Duration.ofSeconds(60);

    private final long[] clock = {1_000};

    @Test
    void capacityIsAddressesTimesPorts() {
        SourcePortPool pool = pool(4, 40000, 40999);

        assertThat(pool.capacity()).isEqualTo(4_000);
        assertThat(pool.formula()).isEqualTo("4 source addresses x 1,000 ports = 4,000");
        assertThat(pool.toString()).isEqualTo("SourcePortPool[4 source addresses x 1,000 ports = 4,000, ports 40000-40999]");
        assertThat(pool.lowPort()).isEqualTo(40000);
        assertThat(pool.highPort()).isEqualTo(40999);
        assertThat(pool.addresses()).containsExactly(ip(1), ip(2), ip(3), ip(4));
        assertThat(pool.setAsideTime()).isEqualTo(MINUTE);
        assertThat(pool.counts()).isEqualTo(new SlotCounts(4_000, 0, 4_000, 0, 0, 0));
    }

    @Test
    void formulaIsSingularForOne() {
        SourcePortPool pool = pool(1, 40000, 40000);

        assertThat(pool.capacity()).isEqualTo(1);
        assertThat(pool.formula()).isEqualTo("1 source address x 1 port = 1");
    }

    @Test
    void consecutiveAcquiresAlternateAddresses() {
        SourcePortPool pool = pool(3, 40000, 40003);

        List<String> got = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            got.add(pool.acquire().orElseThrow().toString());
        }

        assertThat(got).containsExactly("127.0.0.1:40000", "127.0.0.2:40000", "127.0.0.3:40000",
                "127.0.0.1:40001", "127.0.0.2:40001", "127.0.0.3:40001", "127.0.0.1:40002");
    }

    @Test
    void addressesWithNothingFreeAreSkipped() {
        SourcePortPool pool = pool(2, 40000, 40001);
        SourceSlot first = pool.acquire().orElseThrow();   // .1:40000
        pool.acquire().orElseThrow();                      // .2:40000
        pool.acquire().orElseThrow();                      // .1:40001, the last of .1

        // only .2 has a free pair, so it serves twice running
        assertThat(pool.acquire()).map(SourceSlot::toString).contains("127.0.0.2:40001");
        pool.release(first);
        assertThat(pool.acquire()).map(SourceSlot::toString).contains("127.0.0.1:40000");
    }

    @Test
    void anAddressWithAFreePairAgainTakesTheNextTurn() {
        SourcePortPool pool = pool(2, 40000, 40001);
        List<SourceSlot> all = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            all.add(pool.acquire().orElseThrow());   // .1:40000, .2:40000, .1:40001, .2:40001
        }
        pool.release(all.get(0));
        pool.release(all.get(2));
        assertThat(pool.acquire()).map(SourceSlot::toString).contains("127.0.0.1:40000");   // only .1 has pairs

        pool.release(all.get(1));   // now .2 has one too

        assertThat(pool.acquire()).map(SourceSlot::toString).contains("127.0.0.2:40000");
        assertThat(pool.acquire()).map(SourceSlot::toString).contains("127.0.0.1:40001");
    }

    @Test
    void exhaustionReturnsEmptyAndCountsRefusals() {
        SourcePortPool pool = pool(2, 40000, 40001);
        for (int i = 0; i < 4; i++) {
            assertThat(pool.acquire()).as("acquire %d", i).isPresent();
        }

        assertThat(pool.acquire()).isEmpty();
        assertThat(pool.acquire()).isEmpty();
        assertThat(pool.counts()).isEqualTo(new SlotCounts(4, 4, 0, 0, 2, 0));
    }

    @Test
    void aReleasedPairServesAgain() {
        SourcePortPool pool = pool(1, 40000, 40000);
        SourceSlot slot = pool.acquire().orElseThrow();
        assertThat(pool.acquire()).isEmpty();

        pool.release(slot);

        SourceSlot again = pool.acquire().orElseThrow();
        assertThat(again.socketAddress()).isEqualTo(slot.socketAddress());
        assertThat(again.index()).isEqualTo(slot.index());
        assertThat(again).isNotEqualTo(slot);
        assertThat(pool.counts()).isEqualTo(new SlotCounts(1, 1, 0, 0, 1, 0));
    }

    @Test
    void doubleReleaseIsRefused() {
        SourcePortPool pool = pool(1, 40000, 40001);
        SourceSlot slot = pool.acquire().orElseThrow();
        pool.release(slot);

        assertThatThrownBy(() -> pool.release(slot))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot release 127.0.0.1:40000: this holding of it has ended (it is free);"
                        + " a slot is released or set aside once");
        assertThat(pool.counts()).isEqualTo(new SlotCounts(2, 0, 2, 0, 0, 0));
    }

    @Test
    void releaseAfterSetAsideIsRefused() {
        SourcePortPool pool = pool(1, 40000, 40001);
        SourceSlot slot = pool.acquire().orElseThrow();
        pool.setAside(slot);

        assertThatThrownBy(() -> pool.release(slot))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot release 127.0.0.1:40000")
                .hasMessageContaining("(it is set aside)");
        assertThatThrownBy(() -> pool.setAside(slot))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("cannot set aside 127.0.0.1:40000");
        assertThat(pool.counts()).isEqualTo(new SlotCounts(2, 0, 1, 1, 0, 1));
    }

    @Test
    void aStaleHoldingCannotFreeThePairFromItsNextHolder() {
        SourcePortPool pool = pool(1, 40000, 40000);
        SourceSlot old = pool.acquire().orElseThrow();
        pool.release(old);
        SourceSlot current = pool.acquire().orElseThrow();

        assertThatThrownBy(() -> pool.release(old))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("(another holder has it now)");
        assertThat(pool.counts().inUse()).isEqualTo(1);
        pool.release(current);
        assertThat(pool.counts().free()).isEqualTo(1);
    }

    @Test
    void aSlotOfAnotherPoolIsRefused() {
        SourcePortPool pool = pool(1, 40000, 40001);
        SourcePortPool twin = pool(1, 40000, 40001);
        SourceSlot foreign = twin.acquire().orElseThrow();

        assertThatThrownBy(() -> pool.release(foreign))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cannot release 127.0.0.1:40000: it is not from this pool");
        assertThatThrownBy(() -> pool.setAside(foreign))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not from this pool");
        assertThat(pool.counts()).isEqualTo(new SlotCounts(2, 0, 2, 0, 0, 0));
        assertThat(twin.counts().inUse()).isEqualTo(1);
    }

    @Test
    void neverUsedPairsComeFirstThenReturnedOnesOldestFirst() {
        SourcePortPool pool = pool(1, 40000, 40003);
        SourceSlot a = pool.acquire().orElseThrow();   // 40000
        SourceSlot b = pool.acquire().orElseThrow();   // 40001
        pool.release(b);
        pool.release(a);

        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ports.add(pool.acquire().orElseThrow().port());
        }

        assertThat(ports).containsExactly(40002, 40003, 40001, 40000);
    }

    @Test
    void aSetAsidePairRestsForItsTimeExactly() {
        SourcePortPool pool = pool(1, 40000, 40000);
        SourceSlot slot = pool.acquire().orElseThrow();
        pool.setAside(slot);
        assertThat(pool.counts()).isEqualTo(new SlotCounts(1, 0, 0, 1, 0, 1));

        clock[0] += MINUTE.toNanos() - 1;
        assertThat(pool.acquire()).isEmpty();
        assertThat(pool.counts()).isEqualTo(new SlotCounts(1, 0, 0, 1, 1, 1));

        clock[0] += 1;
        assertThat(pool.counts()).isEqualTo(new SlotCounts(1, 0, 1, 0, 1, 1));
        assertThat(pool.acquire()).map(SourceSlot::socketAddress).contains(slot.socketAddress());
    }

    @Test
    void restedPairsComeBackInTheOrderTheyWereSetAside() {
        SourcePortPool pool = pool(1, 40000, 40002);
        SourceSlot a = pool.acquire().orElseThrow();
        SourceSlot b = pool.acquire().orElseThrow();
        SourceSlot c = pool.acquire().orElseThrow();
        pool.setAside(b);
        clock[0] += 1_000;
        pool.setAside(a);
        pool.release(c);

        clock[0] += MINUTE.toNanos();   // both rests are over, b's first
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ports.add(pool.acquire().orElseThrow().port());
        }

        assertThat(ports).containsExactly(40002, 40001, 40000);
    }

    @Test
    void theClockMayWrap() {
        clock[0] = Long.MAX_VALUE - 10;
        SourcePortPool pool = pool(1, 40000, 40000);
        pool.setAside(pool.acquire().orElseThrow());

        clock[0] += MINUTE.toNanos() - 1;   // wraps past Long.MAX_VALUE
        assertThat(pool.acquire()).isEmpty();
        clock[0] += 1;
        assertThat(pool.acquire()).isPresent();
    }

    @Test
    void slotsTellTheirPairAndPlace() throws Exception {
        SourcePortPool pool = new SourcePortPool(List.of(InetAddress.getByName("::1"), ip(2)), 40000, 40001,
                MINUTE, () -> clock[0]);

        SourceSlot first = pool.acquire().orElseThrow();
        SourceSlot second = pool.acquire().orElseThrow();
        SourceSlot third = pool.acquire().orElseThrow();

        assertThat(first.toString()).isEqualTo("[0:0:0:0:0:0:0:1]:40000");
        assertThat(first.socketAddress()).isEqualTo(new InetSocketAddress(InetAddress.getByName("::1"), 40000));
        assertThat(List.of(first.index(), second.index(), third.index())).containsExactly(0, 1, 2);
        assertThat(third.address()).isEqualTo(InetAddress.getByName("::1"));
        assertThat(third.port()).isEqualTo(40001);
    }

    @Test
    void badArgumentsAreRefused() {
        assertThatThrownBy(() -> new SourcePortPool(List.of(), 40000, 40001, MINUTE, () -> 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one");
        assertThatThrownBy(() -> new SourcePortPool(List.of(ip(1), ip(1)), 40000, 40001, MINUTE, () -> 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("distinct");
        assertThatThrownBy(() -> new SourcePortPool(List.of(ip(1)), 40001, 40000, MINUTE, () -> 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("not a port range: 40001-40000");
        assertThatThrownBy(() -> new SourcePortPool(List.of(ip(1)), 0, 10, MINUTE, () -> 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SourcePortPool(List.of(ip(1)), 40000, 65536, MINUTE, () -> 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SourcePortPool(List.of(ip(1)), 40000, 40001, Duration.ZERO, () -> 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be positive");
    }

    @Test
    void aLargePoolStartsSmallAndStillServesEveryPair() {
        SourcePortPool pool = pool(4, 1024, 65535);
        assertThat(pool.capacity()).isEqualTo(4 * 64_512);

        Optional<SourceSlot> last = Optional.empty();
        for (int i = 0; i < pool.capacity(); i++) {
            last = pool.acquire();
        }
        assertThat(last).map(SourceSlot::toString).contains("127.0.0.4:65535");
        assertThat(pool.acquire()).isEmpty();
    }

    private SourcePortPool pool(int addresses, int low, int high) {
        List<InetAddress> list = new ArrayList<>();
        for (int i = 1; i <= addresses; i++) {
            list.add(ip(i));
        }
        return new SourcePortPool(list, low, high, MINUTE, () -> clock[0]);
    }

    static InetAddress ip(int last) {
        try {
            return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
