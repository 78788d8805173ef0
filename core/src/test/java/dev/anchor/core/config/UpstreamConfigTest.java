package dev.anchor.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code upstream} section: kernel mode by default, a source pool when asked, every refusal by key and value. */
class UpstreamConfigTest {
    private static final String ROUTES = """
            routes:
              - path: /
                backends: [127.0.0.1:9001]
            """;

    @Test
    void poolKeysAreRead() throws Exception {
        GatewayConfig c = ConfigLoader.parse(ROUTES + """
                upstream:
                  source: pool
                  addresses: 127.0.0.2-127.0.0.5
                  ports: 40000-40999
                  set-aside: 90s
                """);

        assertThat(c.upstream()).isEqualTo(UpstreamSource.pool(
                List.of(ip("127.0.0.2"), ip("127.0.0.3"), ip("127.0.0.4"), ip("127.0.0.5")),
                new PortRange(40000, 40999), Duration.ofSeconds(90)));
        assertThat(c.upstream().pooled()).isTrue();
        assertThat(c.upstream().ports().count()).isEqualTo(1000);
    }

    @Test
    void kernelIsTheDefault() {
        assertThat(ConfigLoader.parse(ROUTES).upstream()).isEqualTo(UpstreamSource.KERNEL);
        assertThat(ConfigLoader.parse(ROUTES + "upstream: {source: kernel}").upstream()).isEqualTo(UpstreamSource.KERNEL);
        assertThat(ConfigLoader.parse(ROUTES + "upstream: {}").upstream()).isEqualTo(UpstreamSource.KERNEL);
        assertThat(UpstreamSource.KERNEL.pooled()).isFalse();
        assertThat(UpstreamSource.KERNEL.setAside()).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void setAsideDefaultsToTimeWait() {
        GatewayConfig c = ConfigLoader.parse(ROUTES + "upstream: {source: pool, addresses: 127.0.0.2, ports: 40000-40001}");

        assertThat(c.upstream().setAside()).isEqualTo(UpstreamSource.TIME_WAIT).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void addressesMayBeAListOfAddressesAndRanges() throws Exception {
        GatewayConfig c = ConfigLoader.parse(ROUTES + """
                upstream:
                  source: pool
                  addresses: [127.0.0.2, 127.0.0.10-127.0.0.11, "::1"]
                  ports: 40000
                """);

        assertThat(c.upstream().addresses())
                .containsExactly(ip("127.0.0.2"), ip("127.0.0.10"), ip("127.0.0.11"), ip("::1"));
        assertThat(c.upstream().ports()).isEqualTo(new PortRange(40000, 40000));
        assertThat(c.upstream().addressesFor(ip("127.0.0.1"))).hasSize(3);
        assertThat(c.upstream().addressesFor(ip("::1"))).containsExactly(ip("::1"));
    }

    @Test
    void rangesCarryAcrossOctetsAndWorkForIpv6() throws Exception {
        assertThat(ConfigValues.sourceAddresses("k", "10.0.0.255-10.0.1.1"))
                .containsExactly(ip("10.0.0.255"), ip("10.0.1.0"), ip("10.0.1.1"));
        assertThat(ConfigValues.sourceAddresses("k", "255.255.255.254 - 255.255.255.255")).hasSize(2);
        assertThat(ConfigValues.sourceAddresses("k", "fd00::ff-fd00::101"))
                .containsExactly(ip("fd00::ff"), ip("fd00::100"), ip("fd00::101"));
        assertThat(ConfigValues.sourceAddresses("k", "10.0.0.0-10.0.0.255")).hasSize(256);
    }

    @Test
    void aPortRangeInsideTheEphemeralRangeIsAllowed() {
        GatewayConfig c = ConfigLoader.parse(ROUTES + "upstream: {source: pool, addresses: 127.0.0.2, ports: 32768-60999}");

        assertThat(c.upstream().ports().count()).isEqualTo(28_232);
    }

    @Test
    void toBuilderKeepsTheUpstreamSource() {
        GatewayConfig c = ConfigLoader.parse(ROUTES + "upstream: {source: pool, addresses: 127.0.0.2-127.0.0.3, ports: 40000-40099, set-aside: 5s}");

        assertThat(c.toBuilder().build()).isEqualTo(c);
        assertThat(c.toBuilder().build().upstream()).isEqualTo(c.upstream());
    }

    @Test
    void unknownSourceIsRefused() {
        ConfigException e = error(ROUTES + "upstream: {source: pol}");

        assertThat(e.key()).isEqualTo("upstream.source");
        assertThat(e.getMessage()).isEqualTo("upstream.source: 'pol' is not allowed; expected one of [kernel, pool]");
    }

    @Test
    void misspelledUpstreamKeyIsUnknown() {
        assertThat(error(ROUTES + "upstream: {source: pool, port: 40000}").getMessage())
                .startsWith("upstream.port: unknown key").contains("did you mean 'ports'");
    }

    @Test
    void kernelModeRefusesThePoolsKeys() {
        for (String key : List.of("addresses: 127.0.0.2", "ports: 40000-40999", "set-aside: 60s")) {
            String name = key.substring(0, key.indexOf(':'));
            ConfigException e = error(ROUTES + "upstream:\n  " + key + "\n");
            assertThat(e.key()).as(key).isEqualTo("upstream." + name);
            assertThat(e.getMessage()).as(key).isEqualTo("upstream." + name
                    + ": only used with source: pool; remove it, or set upstream.source: pool");
        }
        assertThat(error(ROUTES + "upstream: {source: kernel, ports: 40000}").key()).isEqualTo("upstream.ports");
    }

    @Test
    void poolModeNeedsAddressesAndPorts() {
        assertThat(error(ROUTES + "upstream: {source: pool, ports: 40000-40999}").getMessage())
                .startsWith("upstream.addresses: source: pool needs the source addresses to bind");
        assertThat(error(ROUTES + "upstream: {source: pool, addresses: [], ports: 40000-40999}").key())
                .isEqualTo("upstream.addresses");
        assertThat(error(ROUTES + "upstream: {source: pool, addresses: 127.0.0.2}").getMessage())
                .startsWith("upstream.ports: source: pool needs the source ports to bind");
    }

    @Test
    void badPortsAreRefusedByKeyAndValue() {
        for (String bad : List.of("80-90", "1023", "1023-2000", "40000-65536", "65536", "0", "forty", "40000-",
                "-40000", "40000..40999", "40000-40999-41000", "4000000")) {
            ConfigException e = error(ROUTES + "upstream: {source: pool, addresses: 127.0.0.2, ports: '" + bad + "'}");
            assertThat(e.key()).as(bad).isEqualTo("upstream.ports");
            assertThat(e.getMessage()).as(bad).isEqualTo("upstream.ports: '" + bad + "' is not allowed; expected "
                    + PortRange.FORM);
        }
    }

    @Test
    void aPortRangeHighestFirstIsRefused() {
        assertThat(error(ROUTES + "upstream: {source: pool, addresses: 127.0.0.2, ports: 40999-40000}").getMessage())
                .isEqualTo("upstream.ports: '40999-40000' is not allowed; expected " + PortRange.FORM + " (lowest first)");
    }

    @Test
    void badAddressesAreRefusedByKeyAndValue() {
        String[][] cases = {
                {"localhost", "literal addresses, not host names"},
                {"1234", "literal addresses, not host names"},
                {"127.0.0.256", ConfigValues.SOURCE_FORM},
                {"127.0.0.2-", "literal addresses, not host names"},
                {"127.0.0.5-127.0.0.2", "lowest first"},
                {"127.0.0.2-::1", "both ends of one family"},
                {"10.0.0.0-10.0.1.255", "this one holds 512"},
                {"0.0.0.0", "a wildcard or multicast address names no source"},
                {"::", "a wildcard or multicast address names no source"},
                {"224.0.0.1", "a wildcard or multicast address names no source"},
                {":::1", ConfigValues.SOURCE_FORM},
        };
        for (String[] c : cases) {
            String bad = c[0];
            ConfigException e = error(ROUTES + "upstream: {source: pool, addresses: '" + bad + "', ports: 40000}");
            assertThat(e.key()).as(bad).isEqualTo("upstream.addresses");
            assertThat(e.getMessage()).as(bad)
                    .startsWith("upstream.addresses: '" + bad + "' is not allowed; expected " + ConfigValues.SOURCE_FORM)
                    .contains(c[1]);
        }
    }

    @Test
    void aBadListEntryIsNamedByItsIndex() {
        ConfigException e = error(ROUTES + "upstream: {source: pool, addresses: [127.0.0.2, bogus], ports: 40000}");

        assertThat(e.key()).isEqualTo("upstream.addresses[1]");
        assertThat(e.getMessage()).startsWith("upstream.addresses[1]: 'bogus' is not allowed");
    }

    @Test
    void anEntryThatIsNotAValueIsRefused() {
        assertThat(error(ROUTES + "upstream: {source: pool, addresses: {from: 127.0.0.2}, ports: 40000}").getMessage())
                .startsWith("upstream.addresses: expected a single value");
    }

    @Test
    void overlappingOrRepeatedAddressesAreRefused() {
        ConfigException overlap = error(ROUTES
                + "upstream: {source: pool, addresses: [127.0.0.2-127.0.0.5, 127.0.0.4-127.0.0.9], ports: 40000}");
        assertThat(overlap.key()).isEqualTo("upstream.addresses[1]");
        assertThat(overlap.getMessage()).isEqualTo("upstream.addresses[1]: '127.0.0.4-127.0.0.9' is not allowed; "
                + "expected addresses no other entry has; 127.0.0.4 is already in upstream.addresses[0]");

        assertThat(error(ROUTES + "upstream: {source: pool, addresses: [127.0.0.2, 127.0.0.2], ports: 40000}").getMessage())
                .startsWith("upstream.addresses[1]: '127.0.0.2' is not allowed")
                .endsWith("127.0.0.2 is already in upstream.addresses[0]");
        assertThat(error(ROUTES + "upstream: {source: pool, addresses: ['::1', '0:0:0:0:0:0:0:1'], ports: 40000}").key())
                .isEqualTo("upstream.addresses[1]");
    }

    @Test
    void badSetAsideIsRefused() {
        String pool = "upstream: {source: pool, addresses: 127.0.0.2, ports: 40000, set-aside: ";
        assertThat(error(ROUTES + pool + "0s}").getMessage())
                .isEqualTo("upstream.set-aside: '0s' is not allowed; expected a duration from 1ms to 7d");
        assertThat(error(ROUTES + pool + "soon}").getMessage())
                .isEqualTo("upstream.set-aside: 'soon' is not allowed; expected " + ConfigValues.DURATION_FORM);
        assertThat(error(ROUTES + pool + "8d}").key()).isEqualTo("upstream.set-aside");
    }

    @Test
    void aBackendWithNoSourceOfItsFamilyIsRefused() {
        ConfigException e = error("""
                routes:
                  - path: /
                    backends: [127.0.0.1:9001, "[::1]:9002"]
                upstream: {source: pool, addresses: 127.0.0.2-127.0.0.3, ports: 40000}
                """);

        assertThat(e.key()).isEqualTo("upstream.addresses");
        assertThat(e.getMessage()).isEqualTo("upstream.addresses: no IPv6 source address for backend [::1]:9002 "
                + "(routes[0].backends[1]); add one, or use source: kernel");
        assertThat(error("routes: [{path: /, backends: ['[::1]:9002', 127.0.0.1:9001]}]\n"
                + "upstream: {source: pool, addresses: '::1', ports: 40000}").getMessage())
                .contains("no IPv4 source address for backend 127.0.0.1:9001 (routes[0].backends[1])");
    }

    @Test
    void morePairsThanAProcessCanHoldSocketsForAreRefused() {
        ConfigException e = error(ROUTES + "upstream: {source: pool, addresses: 127.0.0.0-127.0.0.255, ports: 1024-65535}");

        assertThat(e.key()).isEqualTo("upstream");
        assertThat(e.getMessage()).startsWith("upstream: 256 source addresses x 64,512 ports = 16,515,072 pairs per backend")
                .contains("1,048,576");
        // sixteen addresses of the whole range fit
        ConfigLoader.parse(ROUTES + "upstream: {source: pool, addresses: 127.0.0.1-127.0.0.16, ports: 1024-65535}");
    }

    @Test
    void theBuilderRefusesWhatTheLoaderWould() throws Exception {
        GatewayConfig.Builder b = GatewayConfig.builder();
        PortRange ports = new PortRange(40000, 40009);

        assertThatThrownBy(() -> b.upstreamSource(new UpstreamSource(UpstreamSource.Mode.KERNEL,
                List.of(ip("127.0.0.2")), null, UpstreamSource.TIME_WAIT)))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("upstream.addresses: only used with source: pool");
        assertThatThrownBy(() -> b.upstreamSource(new UpstreamSource(UpstreamSource.Mode.KERNEL,
                List.of(), ports, UpstreamSource.TIME_WAIT)))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("upstream.ports: only used with source: pool");
        assertThatThrownBy(() -> b.upstreamSource(UpstreamSource.pool(List.of(ip("127.0.0.2"), ip("127.0.0.2")),
                ports, UpstreamSource.TIME_WAIT)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("upstream.addresses: '127.0.0.2' is not allowed; expected each source address once");
        assertThatThrownBy(() -> b.upstreamSource(UpstreamSource.pool(List.of(ip("127.0.0.2")),
                new PortRange(80, 90), UpstreamSource.TIME_WAIT)))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("upstream.ports: '80-90' is not allowed");
        assertThatThrownBy(() -> b.upstreamSource(UpstreamSource.pool(List.of(ip("127.0.0.2")), ports, Duration.ZERO)))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("upstream.set-aside: '0s' is not allowed");

        GatewayConfig c = b.upstreamSource(UpstreamSource.pool(List.of(ip("127.0.0.2")), ports, Duration.ofSeconds(1)))
                .route(new RouteConfig("/", List.of(Endpoint.of(new java.net.InetSocketAddress(ip("127.0.0.1"), 9001))),
                        dev.anchor.core.route.BalancerKind.ROUND_ROBIN))
                .build();
        assertThat(c.upstream().ports()).isEqualTo(ports);
    }

    private static InetAddress ip(String literal) throws UnknownHostException {
        return InetAddress.getByName(literal);
    }

    private static ConfigException error(String yaml) {
        try {
            GatewayConfig c = ConfigLoader.parse(yaml);
            throw new AssertionError("accepted: " + c);
        } catch (ConfigException e) {
            return e;
        }
    }
}
