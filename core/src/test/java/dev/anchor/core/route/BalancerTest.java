package dev.anchor.core.route;

import static dev.anchor.core.route.RouterTest.backend;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import dev.anchor.core.Gens;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

class BalancerTest {
    private static final InetSocketAddress CLIENT = client("192.0.2.10", 40000);

    @Test
    void roundRobinRotatesThroughThePool() {
        List<Backend> pool = pool(3);
        Balancer rr = BalancerKind.ROUND_ROBIN.create();

        assertThat(rr.order(pool, CLIENT)).containsExactly(pool.get(0), pool.get(1), pool.get(2));
        assertThat(rr.order(pool, CLIENT)).containsExactly(pool.get(1), pool.get(2), pool.get(0));
        assertThat(rr.order(pool, CLIENT)).containsExactly(pool.get(2), pool.get(0), pool.get(1));
        assertThat(rr.order(pool, CLIENT)).containsExactly(pool.get(0), pool.get(1), pool.get(2));
    }

    @Test
    void roundRobinSpreadsConnectionsEvenly() {
        List<Backend> pool = pool(4);
        Balancer rr = BalancerKind.ROUND_ROBIN.create();
        Map<Backend, Integer> firsts = new HashMap<>();
        for (int i = 0; i < 400; i++) {
            firsts.merge(rr.order(pool, CLIENT).get(0), 1, Integer::sum);
        }

        assertThat(firsts).containsOnlyKeys(pool).allSatisfy((b, n) -> assertThat(n).isEqualTo(100));
    }

    @Test
    void leastTunnelsPicksTheBackendWithFewestConnections() {
        List<Backend> pool = pool(3);
        connect(pool.get(0), 2);
        connect(pool.get(1), 0);
        connect(pool.get(2), 1);
        Balancer lt = BalancerKind.LEAST_TUNNELS.create();

        for (int i = 0; i < 3; i++) {
            assertThat(lt.order(pool, CLIENT)).containsExactly(pool.get(1), pool.get(2), pool.get(0));
        }
    }

    @Test
    void leastTunnelsTiesRotate() {
        List<Backend> pool = pool(3);
        connect(pool.get(0), 5);
        Balancer lt = BalancerKind.LEAST_TUNNELS.create();

        List<Backend> firsts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            List<Backend> order = lt.order(pool, CLIENT);
            firsts.add(order.get(0));
            assertThat(order.get(2)).isEqualTo(pool.get(0));
        }
        assertThat(firsts).contains(pool.get(1), pool.get(2));
    }

    @Test
    void leastTunnelsKeepsThePoolLevelAsTunnelsOpen() {
        List<Backend> pool = pool(3);
        connect(pool.get(0), 4);
        Balancer lt = BalancerKind.LEAST_TUNNELS.create();
        for (int i = 0; i < 26; i++) {
            lt.order(pool, CLIENT).get(0).connecting();
        }

        assertThat(pool).extracting(Backend::connections).containsExactly(10, 10, 10);
    }

    @Test
    void leastTunnelsOnAnIdlePoolSpreadsLikeRoundRobin() {
        List<Backend> pool = pool(3);
        Balancer lt = BalancerKind.LEAST_TUNNELS.create();

        assertThat(List.of(lt.order(pool, CLIENT).get(0), lt.order(pool, CLIENT).get(0), lt.order(pool, CLIENT).get(0)))
                .containsExactlyInAnyOrderElementsOf(pool);
    }

    @Test
    void clientHashIsStablePerClientIp() {
        List<Backend> pool = pool(5);
        Balancer ch = BalancerKind.CLIENT_HASH.create();
        List<Backend> first = ch.order(pool, client("203.0.113.9", 1111));

        for (int port = 2000; port < 2010; port++) {
            assertThat(ch.order(pool, client("203.0.113.9", port))).isEqualTo(first);
        }
        assertThat(BalancerKind.CLIENT_HASH.create().order(pool, client("203.0.113.9", 1))).isEqualTo(first);
    }

    @Test
    void clientHashSpreadsNeighbouringAddresses() {
        List<Backend> pool = pool(4);
        Balancer ch = BalancerKind.CLIENT_HASH.create();
        Map<Backend, Integer> firsts = new HashMap<>();
        for (int last = 0; last < 256; last++) {
            firsts.merge(ch.order(pool, client("10.0.0." + last, 5000)).get(0), 1, Integer::sum);
        }

        assertThat(firsts).containsOnlyKeys(pool).allSatisfy((b, n) -> assertThat(n).isGreaterThan(256 / 4 / 2));
    }

    @Test
    void everyBalancersOrderIsAPermutationOfThePool() {
        qt().withExamples(300)
                .forAll(Generate.enumValues(BalancerKind.class),
                        lists().of(integers().between(0, 5)).ofSizeBetween(1, 8),
                        Gens.bytes(4, 4, Generate.bytes(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0)),
                        integers().between(1, 10))
                .checkAssert((kind, loads, ip, calls) -> {
                    List<Backend> pool = pool(loads.size());
                    for (int i = 0; i < loads.size(); i++) {
                        connect(pool.get(i), loads.get(i));
                    }
                    Balancer balancer = kind.create();
                    InetSocketAddress client = client(ip);
                    for (int i = 0; i < calls; i++) {
                        assertThat(balancer.order(pool, client)).containsExactlyInAnyOrderElementsOf(pool);
                    }
                });
    }

    @Test
    void configNamesAreKebabCase() {
        assertThat(BalancerKind.configNames()).containsExactly("round-robin", "least-tunnels", "client-hash");
    }

    private static List<Backend> pool(int n) {
        List<Backend> pool = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pool.add(backend(9001 + i));
        }
        return pool;
    }

    private static void connect(Backend b, int times) {
        for (int i = 0; i < times; i++) {
            b.connecting();
        }
    }

    private static InetSocketAddress client(String literal, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(literal), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static InetSocketAddress client(byte[] ipv4) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ipv4), 40000);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
