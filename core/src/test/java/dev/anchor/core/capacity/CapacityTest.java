package dev.anchor.core.capacity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anchor.core.config.ConfigLoader;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.config.UpstreamSource;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One set of slots per distinct backend endpoint, made from the configuration. */
class CapacityTest {
    /** Three backends on two routes; 127.0.0.1:9002 is on both. */
    private static final String ROUTES = """
            routes:
              - path: /a
                backends: [127.0.0.1:9001, 127.0.0.1:9002]
              - path: /b
                backends: [127.0.0.1:9002, 127.0.0.1:9003]
            """;
    private static final String POOL = ROUTES + """
            upstream:
              source: pool
              addresses: 127.0.0.2-127.0.0.3
              ports: 40000-40003
              set-aside: 60s
            """;

    @TempDir
    Path dir;
    private Path linuxRange;
    private final long[] clock = {0};

    @BeforeEach
    void kernelRange() throws Exception {
        linuxRange = dir.resolve("ip_local_port_range");
        Files.writeString(linuxRange, "32768\t60999\n");
    }

    @Test
    void poolModeHasAPoolPerDistinctEndpoint() {
        Capacity c = capacity(POOL);

        assertThat(c.mode()).isEqualTo(UpstreamSource.Mode.POOL);
        assertThat(c.endpoints()).hasSize(3);
        assertThat(c.endpoints()).extracting(UpstreamSlots::name)
                .containsExactly("127.0.0.1:9001", "127.0.0.1:9002", "127.0.0.1:9003");
        assertThat(c.endpoints()).allSatisfy(s -> {
            assertThat(s.binds()).isTrue();
            assertThat(s.formula()).isEqualTo("2 source addresses x 4 ports = 8");
        });
        assertThat(c.total()).isEqualTo(new SlotCounts(24, 0, 24, 0, 0, 0));
        assertThat(c.formula()).isEqualTo("3 endpoints x 8 = 24");
        assertThat(c.toString()).isEqualTo("Capacity[pool: 3 endpoints x 8 = 24]");
        assertThat(c.kernelRange()).isEqualTo(KernelPortRange.of(32768, 60999));
    }

    @Test
    void poolPortsInsideTheKernelRangeAreNoted() {
        Capacity c = capacity(POOL);

        assertThat(c.notes()).singleElement().asString()
                .startsWith("upstream.ports 40000-40003 overlap the kernel's ephemeral range 32768-60999")
                .contains("sets each aside for 1m");
    }

    @Test
    void poolPortsOutsideTheKernelRangeAreNotNoted() {
        Capacity c = capacity(POOL.replace("40000-40003", "61000-61003"));

        assertThat(c.notes()).isEmpty();
    }

    @Test
    void eachEndpointHasItsOwnPairs() {
        Capacity c = capacity(POOL);
        InetSocketAddress shared = endpoint(9002);

        List<SlotLease> leases = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            leases.add(c.acquire(shared).orElseThrow());
        }
        assertThat(c.acquire(shared)).isEmpty();

        // the same pairs still serve the other endpoints
        SlotLease other = c.acquire(endpoint(9001)).orElseThrow();
        assertThat(other.bindAddress()).isEqualTo(leases.get(0).bindAddress());
        assertThat(c.slots(shared).counts()).isEqualTo(new SlotCounts(8, 8, 0, 0, 1, 0));
        assertThat(c.total()).isEqualTo(new SlotCounts(24, 9, 15, 0, 1, 0));
        assertThat(c.slots(shared)).isSameAs(c.endpoints().get(1));
    }

    @Test
    void aRefusedPairRestsOnTheGivenClock() {
        Capacity c = capacity(POOL.replace("40000-40003", "40000"));
        InetSocketAddress backend = endpoint(9001);
        SlotLease lease = c.acquire(backend).orElseThrow();
        c.acquire(backend).orElseThrow().release();

        lease.refusedByKernel();

        assertThat(c.slots(backend).counts()).isEqualTo(new SlotCounts(2, 0, 1, 1, 0, 1));
        clock[0] += 60_000_000_000L;
        assertThat(c.slots(backend).counts()).isEqualTo(new SlotCounts(2, 0, 2, 0, 0, 1));
    }

    @Test
    void anUnknownEndpointIsRefusedByName() {
        Capacity c = capacity(POOL);
        InetSocketAddress stranger = endpoint(9999);

        assertThatThrownBy(() -> c.acquire(stranger))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("127.0.0.1:9999")
                .hasMessageContaining("is not a backend of any route");
        assertThatThrownBy(() -> c.slots(stranger)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void kernelModeUsesTheKernelRange() {
        Capacity c = capacity(ROUTES);

        assertThat(c.mode()).isEqualTo(UpstreamSource.Mode.KERNEL);
        assertThat(c.endpoints()).hasSize(3).allSatisfy(s -> {
            assertThat(s.binds()).isFalse();
            assertThat(s.formula()).isEqualTo("1 source address (the kernel's choice) x 28,232 ephemeral ports = 28,232");
        });
        assertThat(c.formula()).isEqualTo("3 endpoints x 28,232 = 84,696");
        assertThat(c.total().capacity()).isEqualTo(84_696);
        assertThat(c.notes()).isEmpty();

        SlotLease lease = c.acquire(endpoint(9003)).orElseThrow();
        assertThat(lease.bindAddress()).isEmpty();
        assertThat(c.total().inUse()).isEqualTo(1);
        lease.release();
        assertThat(c.total().inUse()).isZero();
    }

    @Test
    void kernelModeWithoutARangeIsUnknownAndSaysWhy() {
        Capacity c = Capacity.of(ConfigLoader.parse(ROUTES), dir.resolve("missing"), () -> clock[0]);

        assertThat(c.total().capacityKnown()).isFalse();
        assertThat(c.formula()).startsWith("3 endpoints x unknown = unknown (not Linux");
        assertThat(c.notes()).singleElement().asString().startsWith("upstream capacity unknown: not Linux");
        assertThat(c.acquire(endpoint(9001))).isPresent();
    }

    @Test
    void poolModeDoesNotNeedTheKernelRange() {
        Capacity c = Capacity.of(ConfigLoader.parse(POOL), dir.resolve("missing"), () -> clock[0]);

        assertThat(c.formula()).isEqualTo("3 endpoints x 8 = 24");
        assertThat(c.notes()).isEmpty();
    }

    @Test
    void eachEndpointTakesTheSourcesOfItsOwnFamily() throws Exception {
        Capacity c = capacity("""
                routes:
                  - path: /
                    backends: [127.0.0.1:9001, "[::1]:9002"]
                upstream:
                  source: pool
                  addresses: [127.0.0.2-127.0.0.3, "::1"]
                  ports: 40000-40001
                """);

        assertThat(c.endpoints()).extracting(UpstreamSlots::name).containsExactly("127.0.0.1:9001", "[::1]:9002");
        assertThat(c.formula()).isEqualTo("4 + 2 = 6");
        SlotLease v6 = c.acquire(new InetSocketAddress(InetAddress.getByName("::1"), 9002)).orElseThrow();
        assertThat(v6.bindAddress()).contains(new InetSocketAddress(InetAddress.getByName("::1"), 40000));
    }

    @Test
    void oneEndpointIsSingular() {
        Capacity c = capacity("""
                routes:
                  - path: /
                    backends: [127.0.0.1:9001]
                upstream: {source: pool, addresses: 127.0.0.2, ports: 40000-40009}
                """);

        assertThat(c.formula()).isEqualTo("1 endpoint x 10 = 10");
    }

    private Capacity capacity(String yaml) {
        GatewayConfig config = ConfigLoader.parse(yaml);
        return Capacity.of(config, linuxRange, () -> clock[0]);
    }

    private static InetSocketAddress endpoint(int port) {
        return new InetSocketAddress(SourcePortPoolTest.ip(1), port);
    }
}
