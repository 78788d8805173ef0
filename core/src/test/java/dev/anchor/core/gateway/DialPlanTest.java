package dev.anchor.core.gateway;

import static dev.anchor.core.gateway.HandshakeRelayTest.BACKEND_1;
import static dev.anchor.core.gateway.HandshakeRelayTest.BACKEND_2;
import static org.assertj.core.api.Assertions.assertThat;

import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.config.PortRange;
import dev.anchor.core.config.UpstreamSource;
import dev.anchor.core.route.Backend;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order of tries, the slots they come from, and what each failure leads to. */
class DialPlanTest {
    private static final BindException NOT_AVAILABLE = new BindException("Cannot assign requested address");

    private static GatewayRuntime pooled(int ports) throws UnknownHostException {
        InetAddress source = InetAddress.getByName("127.0.0.2");
        return HandshakeRelayTest.runtime(GatewayConfig.builder().upstreamSource(UpstreamSource.pool(
                List.of(source), new PortRange(61000, 61000 + ports - 1), Duration.ofSeconds(60))));
    }

    private static DialPlan plan(GatewayRuntime runtime) {
        return new DialPlan(runtime.connections(), runtime.router().backends());
    }

    @Test
    void eachAttemptBindsAConfiguredPairTowardItsBackend() throws Exception {
        DialPlan plan = plan(pooled(1));

        DialPlan.Attempt a = plan.next();

        assertThat(a.backend().address()).isEqualTo(BACKEND_1);
        assertThat(a.lease().bindAddress()).contains(new InetSocketAddress("127.0.0.2", 61000));
    }

    @Test
    void aBackendWithoutAFreeSlotIsPassedOverBeforeAnySocketAndLastlyNothingIsLeft() throws Exception {
        GatewayRuntime runtime = pooled(1);
        plan(runtime).next(); // holds backend 1's only slot

        DialPlan second = plan(runtime);
        DialPlan.Attempt a = second.next();
        assertThat(a.backend().address()).isEqualTo(BACKEND_2);
        assertThat(second.failures()).containsExactly(ConnectFailure.NO_CAPACITY);

        DialPlan third = plan(runtime);
        assertThat(third.next()).isNull();
        assertThat(third.failures()).containsExactly(ConnectFailure.NO_CAPACITY, ConnectFailure.NO_CAPACITY);
        assertThat(runtime.connections().upstreamConnections()).isEqualTo(2);
        assertThat(StandardCharsets.US_ASCII.decode(runtime.relay().connectFailed(third.failures())).toString())
                .startsWith("HTTP/1.1 503 ").contains("Retry-After: 5");
    }

    @Test
    void aSlotTheKernelRefusesIsSetAsideAndTheSameBackendTriedFromAnotherAFewTimes() throws Exception {
        GatewayRuntime runtime = pooled(8);
        DialPlan plan = plan(runtime);

        for (int i = 0; i < DialPlan.KERNEL_REFUSALS_PER_BACKEND; i++) {
            DialPlan.Attempt a = plan.next();
            assertThat(a.backend().address()).isEqualTo(BACKEND_1);
            assertThat(plan.failed(a, NOT_AVAILABLE)).isEqualTo(ConnectFailure.NO_SOURCE_PORT);
            runtime.connections().upstreamClosed(a.backend(), a.lease()); // the socket's close
        }
        DialPlan.Attempt next = plan.next();

        assertThat(next.backend().address()).isEqualTo(BACKEND_2);
        Backend first = runtime.router().backends().get(0);
        assertThat(first.slots().counts().setAside()).isEqualTo(DialPlan.KERNEL_REFUSALS_PER_BACKEND);
        assertThat(first.slots().counts().inUse()).isZero();
        assertThat(first.slots().counts().kernelRefusals()).isEqualTo(DialPlan.KERNEL_REFUSALS_PER_BACKEND);
    }

    @Test
    void aRefusedConnectMovesOnAndItsSlotComesBackWhenTheSocketCloses() throws Exception {
        GatewayRuntime runtime = pooled(1);
        DialPlan plan = plan(runtime);
        DialPlan.Attempt a = plan.next();

        assertThat(plan.failed(a, new ConnectException("Connection refused"))).isEqualTo(ConnectFailure.REFUSED);
        runtime.connections().upstreamClosed(a.backend(), a.lease());

        assertThat(plan.next().backend().address()).isEqualTo(BACKEND_2);
        assertThat(a.backend().slots().counts().free()).isEqualTo(1);
    }

    @Test
    void inKernelModeAKernelRefusalMovesOnAtOnce() {
        GatewayRuntime runtime = HandshakeRelayTest.runtime(GatewayConfig.builder());
        DialPlan plan = plan(runtime);
        DialPlan.Attempt a = plan.next();

        plan.failed(a, NOT_AVAILABLE);

        assertThat(a.lease().bindAddress()).isEmpty();
        assertThat(a.lease().ended()).isTrue();
        assertThat(plan.next().backend().address()).isEqualTo(BACKEND_2);
    }
}
