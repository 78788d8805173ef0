package dev.anchor.core.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class SocketFamilyTest {
    private static InetSocketAddress at(String literal) throws UnknownHostException {
        return new InetSocketAddress(InetAddress.getByName(literal), 8080);
    }

    @Test
    void anIpv4PeerIsReachedFromAnIpv4Socket() throws UnknownHostException {
        assertThat(SocketFamily.toReach(at("127.0.0.1"))).isEqualTo(StandardProtocolFamily.INET);
        assertThat(SocketFamily.toReach(at("::1"))).isEqualTo(StandardProtocolFamily.INET6);
    }

    @Test
    void theIpv4WildcardListensOnBothFamiliesAsTheJdkAlwaysHas() throws UnknownHostException {
        assertThat(SocketFamily.toListen(at("0.0.0.0"))).isEqualTo(StandardProtocolFamily.INET6);
        assertThat(SocketFamily.toListen(at("127.0.0.1"))).isEqualTo(StandardProtocolFamily.INET);
        assertThat(SocketFamily.toListen(at("::"))).isEqualTo(StandardProtocolFamily.INET6);
    }
}
