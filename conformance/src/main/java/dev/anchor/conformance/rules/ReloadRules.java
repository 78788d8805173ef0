package dev.anchor.conformance.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.anchor.conformance.Background;
import dev.anchor.conformance.Conforms;
import dev.anchor.conformance.Rule;
import dev.anchor.conformance.RuleGroup;
import dev.anchor.conformance.Subject;
import dev.anchor.conformance.TestTime;
import dev.anchor.conformance.peers.BackendConnection;
import dev.anchor.conformance.peers.Frame;
import dev.anchor.conformance.peers.RawClient;
import dev.anchor.conformance.peers.ScriptedBackend;
import dev.anchor.core.capacity.SlotCounts;
import dev.anchor.core.config.ConfigException;
import dev.anchor.core.config.Endpoint;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.config.PortRange;
import dev.anchor.core.config.UpstreamSource;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.gateway.GatewayStatus;
import dev.anchor.core.route.BalancerKind;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Reloading: a new configuration reaches the connections that begin after it, and nothing of a
 * live tunnel is touched, except a tunnel whose backend was removed when the configuration asks
 * for those to go. A configuration the gateway cannot apply is refused, and the old one serves on.
 */
public abstract class ReloadRules extends RuleGroup {

    protected ReloadRules(Subject subject) {
        super(subject);
    }

    // tag::reload-01[]
    @Test
    @Conforms(Rule.RELOAD_01)
    void reload01_liveTunnelsFlowThroughAReload() throws Exception {
        ScriptedBackend a = fx.scripted(ReloadRules::echo);
        ScriptedBackend b = fx.scripted(ReloadRules::echo);
        GatewayConfig before = fx.config(a.address()).build();
        Gateway gateway = fx.gateway(before);
        RawClient live = fx.raw(gateway);
        live.upgrade("/");
        Frame first = Frame.text("before the reload");
        live.send(first);
        assertThat(live.readFrame()).as("the tunnel is up and carrying").isEqualTo(first);

        // the live tunnel carries random messages, each checked byte for byte, across the reload
        AtomicBoolean reloaded = new AtomicBoolean();
        AtomicInteger afterReload = new AtomicInteger();
        Future<Integer> traffic = Background.start("reload-traffic", () -> {
            Random random = new Random(1);
            int sent = 0;
            while (afterReload.get() < 50) {
                byte[] payload = new byte[1 + random.nextInt(4000)];
                random.nextBytes(payload);
                Frame message = Frame.binary(payload);
                try {
                    live.send(message);
                    assertThat(live.readFrame()).as("message %d echoed", sent).isEqualTo(message);
                } catch (IOException e) {
                    throw new AssertionError("the live tunnel broke during the reload, after " + sent + " messages", e);
                }
                sent++;
                if (reloaded.get()) {
                    afterReload.incrementAndGet();
                }
            }
            return sent;
        });
        fx.reload(gateway, fx.config(b.address()).route("/new", BalancerKind.ROUND_ROBIN, List.of(b.address())).build());
        reloaded.set(true);
        assertThat(Background.await(traffic, 4)).isGreaterThanOrEqualTo(50);

        RawClient fresh = fx.raw(gateway);
        fresh.upgrade("/new");
        assertThat(b.connections()).as("a new tunnel takes the new route").isEqualTo(1);
        assertThat(a.connections()).as("the old backend keeps its one tunnel and gets no other").isEqualTo(1);
    }
    // end::reload-01[]

    @Test
    @Conforms(Rule.RELOAD_02)
    void reload02_aReloadThatCannotApplyIsRefused() throws Exception {
        ScriptedBackend a = fx.scripted(ReloadRules::echo);
        ScriptedBackend b = fx.scripted(ReloadRules::echo);
        GatewayConfig before = fx.config(a.address()).build();
        Gateway gateway = fx.gateway(before);

        // the buffers are sized when the gateway starts: a change needs a restart
        GatewayConfig next = fx.config(b.address()).tunnelBuffer(before.tunnelBuffer() * 2).build();
        assertThatThrownBy(() -> fx.reload(gateway, next)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("tunnel.buffer");

        RawClient client = fx.raw(gateway);
        client.upgrade("/");
        Frame hello = Frame.text("hello");
        client.send(hello);
        assertThat(client.readFrame()).isEqualTo(hello);
        assertThat(a.connections()).as("the configuration in force still routes to its backend").isEqualTo(1);
        assertThat(b.connections()).as("nothing of the refused one is used").isZero();
    }

    @Test
    @Conforms(Rule.RELOAD_03)
    void reload03_aRemovedBackendsTunnelsStayOrGoWhenAsked() throws Exception {
        Duration timeout = TestTime.scaled(Duration.ofSeconds(1));
        Duration spread = TestTime.scaled(Duration.ofMillis(200));
        ScriptedBackend a = fx.scripted(BackendConnection::accept);
        ScriptedBackend b = fx.scripted(BackendConnection::accept);
        ScriptedBackend c = fx.scripted(BackendConnection::accept);
        Gateway gateway = fx.gateway(DrainRules.quietPings(fx.config(a.address()))
                .route("/b", BalancerKind.ROUND_ROBIN, List.of(b.address()))
                .drain(timeout, spread).build());
        RawClient onA = fx.raw(gateway);
        onA.upgrade("/");
        BackendConnection atA = a.awaitConnection(TestTime.PROMPT);
        RawClient onB = fx.raw(gateway);
        onB.upgrade("/b");
        BackendConnection atB = b.awaitConnection(TestTime.PROMPT);

        // a removed without reload.drain-removed: its tunnel stays
        fx.reload(gateway, DrainRules.quietPings(fx.config(b.address()))
                .route("/b", BalancerKind.ROUND_ROBIN, List.of(b.address()))
                .drain(timeout, spread).build());
        RawClient next = fx.raw(gateway);
        next.upgrade("/");
        assertThat(a.connections()).as("the removed backend takes no new tunnel").isEqualTo(1);
        assertThat(onA.quietFor(timeout.plus(spread).plus(DrainRules.SLACK))).as("its live tunnel is not told to go").isTrue();
        Frame still = Frame.text("still here");
        onA.send(still);
        assertThat(atA.readFrame()).isEqualTo(still);

        // b removed with reload.drain-removed: its tunnel gets a Close after drain.timeout
        long reloaded = System.nanoTime();
        fx.reload(gateway, DrainRules.quietPings(fx.config(c.address()))
                .route("/b", BalancerKind.ROUND_ROBIN, List.of(c.address()))
                .drain(timeout, spread).reloadDrainRemoved(true).build());
        assertThat(DrainRules.goodbye(onB, "client of the removed backend").closeCode()).isEqualTo(1001);
        long heard = System.nanoTime() - reloaded;
        assertThat(DrainRules.goodbye(atB, "the removed backend").closeCode()).isEqualTo(1001);
        assertThat(Duration.ofNanos(heard)).as("after drain.timeout, within drain.spread of it")
                .isBetween(timeout, timeout.plus(spread).plus(DrainRules.SLACK));
        assertThat(onA.quietFor(TestTime.QUIET)).as("a tunnel whose backend this reload did not remove stays").isTrue();
    }

    @Test
    @Conforms(Rule.RELOAD_04)
    void reload04_theSourcePoolHandsNoPairOutTwice() throws Exception {
        ScriptedBackend a = fx.scripted(BackendConnection::accept);
        ScriptedBackend b = fx.scripted(BackendConnection::accept);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        // a fixed range outside the kernel's ephemeral one, small enough to wrap round quickly
        UpstreamSource pool = UpstreamSource.pool(List.of(loopback), PortRange.parse("upstream.ports", "21000-21009"),
                UpstreamSource.TIME_WAIT);
        GatewayConfig withA = fx.config(a.address()).upstreamSource(pool).build();
        GatewayConfig withB = fx.config(b.address()).upstreamSource(pool).build();
        Gateway gateway = fx.gateway(withA);
        for (int i = 0; i < 4; i++) {
            fx.raw(gateway).upgrade("/");
        }
        fx.reload(gateway, withB);
        fx.reload(gateway, withA);
        for (int i = 0; i < 4; i++) {
            fx.raw(gateway).upgrade("/");
        }

        assertThat(a.connections()).isEqualTo(8);
        GatewayStatus.EndpointStatus atA = gateway.status().capacity().endpoints().stream()
                .filter(e -> e.backend().equals(Endpoint.of(a.address()).text())).findFirst().orElseThrow();
        SlotCounts slots = atA.slots();
        assertThat(slots.inUse()).as("pairs in use toward the backend added back").isEqualTo(8);
        assertThat(slots.kernelRefusals()).as("pairs the kernel refused because the pool handed out one in use").isZero();
    }

    /** Switches, then echoes every frame. */
    static void echo(BackendConnection c) throws Exception {
        c.accept();
        c.echoFrames();
    }
}
