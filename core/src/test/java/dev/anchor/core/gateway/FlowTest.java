package dev.anchor.core.gateway;

import static dev.anchor.core.gateway.HandshakePolicyTest.CLIENT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anchor.core.config.GatewayConfig;
import org.junit.jupiter.api.Test;

/** One direction of one tunnel: what was passed on, what the gateway holds, and the most it held. */
class FlowTest {
    private final GatewayRuntime runtime = HandshakePolicyTest.runtime(GatewayConfig.builder());
    private final TunnelStats tunnel = runtime.connections().tunnelOpened(CLIENT, runtime.router().backends().get(0));
    private final Flow flow = tunnel.upstream();

    @Test
    void receivedBytesAreBufferedUntilSent() {
        flow.received(100);

        assertThat(flow.buffered()).isEqualTo(100);
        assertThat(flow.forwarded()).isZero();
        flow.sent(60);
        assertThat(flow.buffered()).isEqualTo(40);
        assertThat(flow.forwarded()).isEqualTo(60);
    }

    @Test
    void peakIsTheMostEverBuffered() {
        flow.received(10);
        flow.sent(5);
        flow.received(3);
        assertThat(flow.buffered()).isEqualTo(8);
        assertThat(flow.peakBuffered()).isEqualTo(10);

        flow.received(7);
        assertThat(flow.peakBuffered()).isEqualTo(15);
    }

    @Test
    void droppedBytesLeaveTheBufferWithoutBeingForwarded() {
        flow.received(10);
        flow.sent(4);
        flow.dropped(6);

        assertThat(flow.buffered()).isZero();
        assertThat(flow.forwarded()).isEqualTo(4);
    }

    @Test
    void sentBytesAreCountedByDirectionAcrossTunnels() {
        TunnelStats other = runtime.connections().tunnelOpened(CLIENT, runtime.router().backends().get(1));
        tunnel.flow(Direction.UPSTREAM).received(5);
        tunnel.flow(Direction.UPSTREAM).sent(5);
        other.flow(Direction.UPSTREAM).received(7);
        other.flow(Direction.UPSTREAM).sent(7);
        other.flow(Direction.DOWNSTREAM).received(2);
        other.flow(Direction.DOWNSTREAM).sent(2);

        assertThat(bytes("upstream")).isEqualTo(12.0);
        assertThat(bytes("downstream")).isEqualTo(2.0);
    }

    @Test
    void eachDirectionHasItsOwnFlow() {
        assertThat(tunnel.flow(Direction.UPSTREAM)).isSameAs(tunnel.upstream());
        assertThat(tunnel.flow(Direction.DOWNSTREAM)).isSameAs(tunnel.downstream()).isNotSameAs(tunnel.upstream());
    }

    private double bytes(String direction) {
        return runtime.metrics().registry().get("anchor.tunnel.bytes").tag("direction", direction).counter().count();
    }
}
