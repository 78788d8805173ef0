package dev.anchor.netty;

import static org.assertj.core.api.Assertions.assertThat;

import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.route.BalancerKind;
import io.netty.channel.epoll.Epoll;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the suite cannot see: which transport the gateway chose, and that it says so. */
class NettyGatewayTest {
    private static final GatewayConfig CONFIG = GatewayConfig.builder()
            .implementation("netty")
            .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .route("/", BalancerKind.ROUND_ROBIN, List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9)))
            .build();

    @Test
    void theBestTransportIsEpollWhereItLoadsAndTheStatusSaysWhich() throws Exception {
        try (NettyGateway gateway = NettyGateway.start(CONFIG)) {
            String expected = Epoll.isAvailable() ? "epoll" : "nio";
            assertThat(gateway.transport()).isEqualTo(expected);
            assertThat(gateway.status().transport()).isEqualTo(expected);
            assertThat(gateway.status().implementation()).isEqualTo("netty");
        }
    }

    @Test
    void nioCanBeChosenAnywhere() throws Exception {
        try (NettyGateway gateway = NettyGateway.start(CONFIG, Transport.nio())) {
            assertThat(gateway.status().transport()).isEqualTo("nio");
        }
    }
}
