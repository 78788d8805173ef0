package dev.anchor.core.gateway;

import static dev.anchor.core.gateway.HandshakePolicyTest.BACKEND_1;
import static dev.anchor.core.gateway.HandshakePolicyTest.BACKEND_2;
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
        return HandshakePolicyTest.runtime(GatewayConfig.builder().upstreamSource(UpstreamSource.pool(
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
        assertThat(a.bindAddress()).contains(new InetSocketAddress("127.0.0.2", 61000));
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
        assertThat(StandardCharsets.US_ASCII.decode(runtime.handshakes().connectFailed(third.failures())).toString())
                .startsWith("HTTP/1.1 503 ").contains("Retry-After: 5");
    }

    @Test
    void aSlotTheKernelRefusesIsSetAsideAndTheSameBackendTriedFromAnotherAFewTimes() throws Exception {
        GatewayRuntime runtime = pooled(8);
        DialPlan plan = plan(runtime);

        for (int i = 0; i < DialPlan.KERNEL_REFUSALS_PER_BACKEND; i++) {
            DialPlan.Attempt a = plan.next();
            assertThat(a.backend().address()).isEqualTo(BACKEND_1);
            assertThat(a.failed(NOT_AVAILABLE)).isEqualTo(ConnectFailure.NO_SOURCE_PORT);
            a.closed(); // the socket's close, after the failure: it changes nothing
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

        assertThat(a.failed(new ConnectException("Connection refused"))).isEqualTo(ConnectFailure.REFUSED);

        assertThat(plan.next().backend().address()).isEqualTo(BACKEND_2);
        assertThat(a.backend().slots().counts().free()).as("back as the failure ended the lease").isEqualTo(1);
    }

    @Test
    void inKernelModeAKernelRefusalMovesOnAtOnce() {
        GatewayRuntime runtime = HandshakePolicyTest.runtime(GatewayConfig.builder());
        DialPlan plan = plan(runtime);
        DialPlan.Attempt a = plan.next();

        a.failed(NOT_AVAILABLE);

        assertThat(a.bindAddress()).isEmpty();
        assertThat(a.lease().ended()).isTrue();
        assertThat(plan.next().backend().address()).isEqualTo(BACKEND_2);
    }

    @Test
    void aLeaseEndsOnceWhateverOrderItsEventsComeIn() throws Exception {
        GatewayRuntime runtime = pooled(4);
        Backend first = runtime.router().backends().get(0);
        DialPlan plan = plan(runtime);

        DialPlan.Attempt closedFirst = plan.next(); // a bind that failed at once closed the socket first
        closedFirst.closed();
        assertThat(first.slots().counts().inUse()).as("the close waits for the outcome").isEqualTo(1);
        closedFirst.failed(NOT_AVAILABLE);
        assertThat(first.slots().counts().setAside()).as("set aside, not freed by the earlier close").isEqualTo(1);

        DialPlan.Attempt connected = plan.next();
        connected.connected();
        connected.failed(new ConnectException("Connection refused")); // too late: it connected
        connected.abandoned(); // likewise
        assertThat(first.slots().counts().inUse()).as("a connected attempt ends at its close only").isEqualTo(1);
        connected.closed();
        connected.closed();

        DialPlan.Attempt givenUp = plan.next(); // the client left mid-connect: no outcome will come
        givenUp.closed();
        givenUp.abandoned();
        givenUp.failed(NOT_AVAILABLE);

        assertThat(first.slots().counts().free()).isEqualTo(3);
        assertThat(first.slots().counts().setAside()).isEqualTo(1);
        assertThat(runtime.connections().upstreamConnections()).as("counted closed once each").isZero();
    }
}
