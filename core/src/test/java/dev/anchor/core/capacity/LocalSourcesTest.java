package dev.anchor.core.capacity;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anchor.core.config.ConfigException;
import dev.anchor.core.config.PortRange;
import dev.anchor.core.config.UpstreamSource;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A pool's addresses are checked against the host at start, naming the key and the address. */
class LocalSourcesTest {
    /** What the gateways do: bind a socket and let it go (UDP here, so no TCP port is taken). */
    private static final LocalSources.Probe BIND = address -> {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(address, 0))) {
            s.getLocalPort();
        }
    };

    private static UpstreamSource pool(String... addresses) throws Exception {
        InetAddress[] a = new InetAddress[addresses.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = InetAddress.getByName(addresses[i]);
        }
        return UpstreamSource.pool(List.of(a), new PortRange(61000, 61003), Duration.ofSeconds(60));
    }

    @Test
    void loopbackAddressesAreLocal() throws Exception {
        assertThatCode(() -> LocalSources.require(pool("127.0.0.2", "127.0.0.3"), BIND)).doesNotThrowAnyException();
        assertThatCode(() -> LocalSources.require(UpstreamSource.KERNEL, BIND)).doesNotThrowAnyException();
    }

    @Test
    void anAddressOfAnotherHostIsRefusedByName() throws Exception {
        // TEST-NET-3 (RFC 5737): never assigned to a host
        assertThatThrownBy(() -> LocalSources.require(pool("127.0.0.2", "203.0.113.7"), BIND))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("upstream.addresses")
                .hasMessageContaining("203.0.113.7")
                .hasMessageContaining("not an address of this host");
    }
}
