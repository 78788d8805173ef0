package dev.anchor.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class AddressRangeTest {
    @Test
    void containsExactlyTheAddressesOfItsPrefix() throws UnknownHostException {
        AddressRange loopback = AddressRange.parse("k", "127.0.0.0/8");
        AddressRange one = AddressRange.parse("k", "127.0.0.1/32");
        AddressRange odd = AddressRange.parse("k", "10.1.2.0/23");

        assertThat(loopback.contains(InetAddress.getByName("127.200.3.4"))).isTrue();
        assertThat(loopback.contains(InetAddress.getByName("128.0.0.1"))).isFalse();
        assertThat(one.contains(InetAddress.getByName("127.0.0.1"))).isTrue();
        assertThat(one.contains(InetAddress.getByName("127.0.0.2"))).isFalse();
        assertThat(odd.contains(InetAddress.getByName("10.1.3.255"))).isTrue();
        assertThat(odd.contains(InetAddress.getByName("10.1.4.0"))).isFalse();
        assertThat(AddressRange.parse("k", "::1/128").contains(InetAddress.getByName("::1"))).isTrue();
        assertThat(AddressRange.parse("k", "::1/128").contains(InetAddress.getByName("127.0.0.1"))).isFalse();
        assertThat(AddressRange.parse("k", "0.0.0.0/0").contains(InetAddress.getByName("203.0.113.9"))).isTrue();
    }

    @Test
    void aBadRangeNamesKeyAndValue() {
        for (String bad : new String[] {"127.0.0.1", "127.0.0.0/33", "localhost/8", "::1/129", "10.0.0.0/x"}) {
            assertThatThrownBy(() -> AddressRange.parse("admin.allow[0]", bad)).as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("admin.allow[0]: '" + bad + "'");
        }
    }
}
