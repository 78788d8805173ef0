package dev.anchor.core.gateway;

import static dev.anchor.core.gateway.HandshakePolicyTest.CLIENT;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anchor.core.capacity.SlotLease;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.route.Backend;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The gateway's own count of what it holds: every open and close counted once. */
class ConnectionRegistryTest {
    private final GatewayRuntime runtime = HandshakePolicyTest.runtime(GatewayConfig.builder());
    private final ConnectionRegistry registry = runtime.connections();
    private final MeterRegistry meters = runtime.metrics().registry();
    private final Backend backend = runtime.router().backends().get(0);

    @Test
    void tunnelClosedIsIdempotent() {
        TunnelStats t = registry.tunnelOpened(CLIENT, backend);

        registry.tunnelClosed(t, CloseReason.COMPLETED);
        registry.tunnelClosed(t, CloseReason.IDLE_TIMEOUT);
        registry.tunnelClosed(t, CloseReason.COMPLETED);

        assertThat(registry.tunnelCount()).isZero();
        assertThat(meters.get("anchor.tunnels.closed").tag("reason", "completed").counter().count()).isEqualTo(1.0);
        assertThat(meters.find("anchor.tunnels.closed").tag("reason", "idle_timeout").counter()).isNull();
    }

    @Test
    void tunnelsAreCountedWhileOpenAndHaveDistinctIds() {
        TunnelStats a = registry.tunnelOpened(CLIENT, backend);
        TunnelStats b = registry.tunnelOpened(CLIENT, backend);

        assertThat(a.id()).isNotEqualTo(b.id());
        assertThat(registry.tunnelCount()).isEqualTo(2);
        assertThat(registry.tunnels()).containsExactlyInAnyOrder(a, b);
        registry.tunnelClosed(a, CloseReason.CLIENT_RESET);
        assertThat(registry.tunnels()).containsExactly(b);
    }

    @Test
    void upstreamConnectionsAreCountedOnTheBackendToo() {
        registry.upstreamOpening(backend);
        SlotLease second = registry.upstreamOpening(backend).orElseThrow();
        registry.upstreamClosed(backend, second);

        assertThat(registry.upstreamConnections()).isEqualTo(1);
        assertThat(backend.connections()).isEqualTo(1);
        assertThat(meters.get("anchor.backend.connections").tag("backend", backend.name()).gauge().value()).isEqualTo(1.0);
    }

    @Test
    void clientConnectionsAreGaugedAndAcceptsCounted() {
        registry.clientOpened();
        registry.clientOpened();
        registry.clientClosed();

        assertThat(registry.clientConnections()).isEqualTo(1);
        assertThat(meters.get("anchor.client.connections").gauge().value()).isEqualTo(1.0);
        assertThat(meters.get("anchor.client.connections.accepted").counter().count()).isEqualTo(2.0);
    }

    @Test
    void connectFailuresAreCountedByBackendAndCause() {
        registry.connectFailed(backend, ConnectFailure.REFUSED);
        registry.connectFailed(backend, ConnectFailure.REFUSED);

        Counter refused = meters.get("anchor.upstream.connect.failures")
                .tag("backend", backend.name()).tag("cause", "refused").counter();
        assertThat(refused.count()).isEqualTo(2.0);
    }

    @Test
    void statusReflectsTheRegistry() {
        registry.clientOpened();
        registry.upstreamOpening(backend);
        registry.tunnelOpened(CLIENT, backend);
        runtime.listening(new InetSocketAddress(InetAddress.getLoopbackAddress(), 8443));

        GatewayStatus status = runtime.status();
        assertThat(status.listen()).isEqualTo("127.0.0.1:8443");
        assertThat(status.clientConnections()).isEqualTo(1);
        assertThat(status.upstreamConnections()).isEqualTo(1);
        assertThat(status.tunnels()).isEqualTo(1);
        assertThat(status.backends()).contains(new GatewayStatus.BackendStatus(backend.name(), 1, true, "up", true));
        assertThat(status.tunnelList()).singleElement().satisfies(t -> assertThat(t.client()).isEqualTo("127.0.0.1:50000"));
        assertThat(runtime.status(false).tunnelList()).isEmpty();
        assertThat(status.capacity().mode()).isEqualTo("kernel");
        assertThat(status.capacity().endpoints()).hasSize(2)
                .allSatisfy(e -> assertThat(e.formula()).contains("the kernel's choice"));
        assertThat(status.capacity().total().inUse()).isEqualTo(1);
    }

    @Test
    void aClosedUpstreamHandsItsSlotBackOnceAndTheCountsReturnToZero() {
        SlotLease lease = registry.upstreamOpening(backend).orElseThrow();
        assertThat(backend.slots().counts().inUse()).isEqualTo(1);

        registry.upstreamClosed(backend, lease);

        assertThat(lease.ended()).isTrue();
        assertThat(backend.slots().counts().inUse()).isZero();
        assertThat(registry.upstreamConnections()).isZero();
    }
}
