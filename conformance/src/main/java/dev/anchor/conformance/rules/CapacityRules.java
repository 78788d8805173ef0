package dev.anchor.conformance.rules;

import static dev.anchor.conformance.rules.HeartbeatRules.awaitMetric;
import static dev.anchor.conformance.rules.HeartbeatRules.leg;
import static dev.anchor.conformance.rules.HeartbeatRules.pinging;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.anchor.conformance.Await;
import dev.anchor.conformance.Conforms;
import dev.anchor.conformance.Fixture;
import dev.anchor.conformance.Rule;
import dev.anchor.conformance.RuleGroup;
import dev.anchor.conformance.Subject;
import dev.anchor.conformance.TestTime;
import dev.anchor.conformance.netns.KernelRangeProbe;
import dev.anchor.conformance.netns.Netns;
import dev.anchor.conformance.peers.BackendConnection;
import dev.anchor.conformance.targets.StartRefused;
import dev.anchor.conformance.peers.Frame;
import dev.anchor.conformance.peers.RawClient;
import dev.anchor.conformance.peers.RawResponse;
import dev.anchor.conformance.peers.ScriptedBackend;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.config.PortRange;
import dev.anchor.core.config.UpstreamSource;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.gateway.GatewayStatus;
import dev.anchor.core.route.BalancerKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/**
 * Port capacity: the gateway binds every upstream connection to a source (address, port) of its
 * own pool, knows how many it has toward each backend, and refuses the client itself, with 503,
 * before the kernel has to. The pools here are tiny (2 addresses x 4 ports) and their ports lie
 * above Linux's default ephemeral range, so no test depends on the host's own ports running out.
 */
public abstract class CapacityRules extends RuleGroup {
    /** Loopback sources: on Linux all of 127.0.0.0/8 is local with no setup. */
    static final List<String> SOURCES = List.of("127.0.0.2", "127.0.0.3");
    static final int PORTS = 4;

    protected CapacityRules(Subject subject) {
        super(subject);
    }

    static UpstreamSource pool(int firstPort, int ports) throws UnknownHostException {
        List<InetAddress> sources = new ArrayList<>();
        for (String s : SOURCES) {
            sources.add(InetAddress.getByName(s));
        }
        return UpstreamSource.pool(sources, new PortRange(firstPort, firstPort + ports - 1), Duration.ofSeconds(60));
    }

    /** Backends that switch and echo, and every upstream connection they have accepted, in order. */
    record Echoes(List<ScriptedBackend> backends, List<BackendConnection> seen) {
    }

    Echoes echoing(int n) throws IOException {
        List<ScriptedBackend> backends = new ArrayList<>();
        List<BackendConnection> seen = new CopyOnWriteArrayList<>();
        for (int i = 0; i < n; i++) {
            backends.add(fx.scripted(c -> {
                seen.add(c);
                c.accept();
                c.echoFrames();
            }));
        }
        return new Echoes(backends, seen);
    }

    Gateway gateway(List<ScriptedBackend> backends, int firstPort, UnaryOperator<GatewayConfig.Builder> tweak)
            throws IOException {
        InetSocketAddress[] addresses = backends.stream().map(ScriptedBackend::address).toArray(InetSocketAddress[]::new);
        return fx.gateway(tweak.apply(fx.config(addresses).upstreamSource(pool(firstPort, PORTS))).build());
    }

    /** Opens a tunnel and proves it carries a message both ways. */
    RawClient open(Gateway gateway, String path) throws IOException {
        RawClient c = fx.raw(gateway);
        c.upgrade(path);
        Frame hello = Frame.text("hello through " + c.localAddress());
        c.send(hello);
        assertThat(c.readFrame()).isEqualTo(hello);
        return c;
    }

    List<RawClient> open(Gateway gateway, int n) throws IOException {
        List<RawClient> clients = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            clients.add(open(gateway, "/"));
        }
        return clients;
    }

    /** Asks for one more tunnel and requires the gateway's own 503. */
    static void requireRefused(Gateway gateway) throws IOException {
        try (RawClient c = Fixture.connect(gateway)) {
            c.sendUpgrade("/");
            RawResponse r = c.readResponse();
            assertThat(r.status()).as("the tunnel past capacity").isEqualTo(503);
            assertThat(r.field("Retry-After")).as("Retry-After").hasValueSatisfying(v -> assertThat(v).matches("[0-9]+"));
        }
    }

    /** Ends a tunnel with the close handshake, as a well-behaved client does; a gateway Ping may come first. */
    static void closeNicely(RawClient c) throws IOException {
        c.send(Frame.close(1000, "done"));
        Frame answer = c.readFrame();
        for (int i = 0; i < 10 && answer.opcode() == Frame.PING; i++) {
            answer = c.readFrame();
        }
        assertThat(answer.opcode()).isEqualTo(Frame.CLOSE);
        c.close();
    }

    static GatewayStatus.CapacityStatus capacity(Gateway gateway) {
        return gateway.status().capacity();
    }

    static void awaitInUse(Gateway gateway, long inUse) {
        Await.until("the gateway to hold " + inUse + " source slots", TestTime.PROMPT, () -> capacity(gateway).total(),
                total -> total.inUse() == inUse);
    }

    // tag::cap-01[]
    @Test
    @Conforms(Rule.CAP_01)
    void cap01_exactlyTheCapacityOpensEachFromItsOwnConfiguredPair() throws Exception {
        Echoes echoes = echoing(3);
        Gateway gateway = gateway(echoes.backends(), 61000, c -> c);

        open(gateway, 24);

        List<BackendConnection> seen = echoes.seen();
        assertThat(seen).hasSize(24);
        Set<String> tuples = new HashSet<>();
        for (BackendConnection c : seen) {
            InetSocketAddress source = c.remoteAddress();
            assertThat(SOURCES).contains(source.getAddress().getHostAddress());
            assertThat(source.getPort()).isBetween(61000, 61000 + PORTS - 1);
            tuples.add(source + "->" + c.localAddress());
        }
        assertThat(tuples).as("distinct 4-tuples").hasSize(24);
        for (ScriptedBackend b : echoes.backends()) {
            assertThat(b.connections()).as("tunnels to " + b.address()).isEqualTo(8);
        }
        GatewayStatus.CapacityStatus capacity = capacity(gateway);
        assertThat(capacity.formula()).isEqualTo("3 endpoints x 8 = 24");
        assertThat(capacity.total().inUse()).isEqualTo(24);
        assertThat(capacity.total().free()).isZero();
    }
    // end::cap-01[]

    // tag::cap-02[]
    @Test
    @Conforms(Rule.CAP_02)
    void cap02_pastCapacityTheClientGets503AndNoBackendIsDialed() throws Exception {
        List<ScriptedBackend> backends = echoing(3).backends();
        Gateway gateway = gateway(backends, 61010, c -> c);
        List<RawClient> clients = open(gateway, 24);

        requireRefused(gateway);

        awaitMetric(gateway, "anchor_clients_refused_total\\{[^}]*reason=\"capacity\"[^}]*\\} 1\\.0");
        // a SYN sent for the refused client would be accepted before the next one's: make a next one
        closeNicely(clients.get(0));
        awaitInUse(gateway, 23);
        open(gateway, "/");
        assertThat(backends.stream().mapToInt(ScriptedBackend::connections).sum())
                .as("connections the backends accepted: 24, then one for the tunnel after the close").isEqualTo(25);
    }
    // end::cap-02[]

    @Test
    @Conforms(Rule.CAP_03)
    void cap03_closingOneTunnelLetsExactlyOneMoreIn() throws Exception {
        Gateway gateway = gateway(echoing(3).backends(), 61020, c -> c);
        List<RawClient> clients = open(gateway, 24);
        requireRefused(gateway);

        closeNicely(clients.get(5));
        awaitInUse(gateway, 23);

        open(gateway, "/");
        requireRefused(gateway);
        assertThat(capacity(gateway).total().inUse()).isEqualTo(24);
    }

    @Test
    @Conforms(Rule.CAP_04)
    void cap04_afterCloseResetAndHeartbeatDeathThePoolIsFullAgain() throws Exception {
        Duration interval = Duration.ofSeconds(2);
        Gateway gateway = gateway(echoing(3).backends(), 61030,
                c -> pinging(c, leg(interval, Duration.ofSeconds(1)), leg(Duration.ofHours(1), Duration.ofHours(1))));
        List<RawClient> clients = open(gateway, 24);

        for (int i = 0; i < 8; i++) {
            closeNicely(clients.get(i));
        }
        for (int i = 8; i < 16; i++) {
            clients.get(i).reset();
        }
        // the last 8 clients keep TCP open and answer no Ping: the gateway finds them dead
        awaitMetric(gateway, "anchor_peer_deaths_total\\{[^}]*leg=\"client\"[^}]*reason=\"heartbeat\"[^}]*\\} 8\\.0");

        Await.until("every slot to be free", TestTime.PROMPT, () -> capacity(gateway).total(),
                t -> t.free() == 24 && t.inUse() == 0 && t.setAside() == 0);
        open(gateway, 24);
        requireRefused(gateway);
    }

    @Test
    @Conforms(Rule.CAP_05)
    void cap05_aFullBackendIsPassedOverForOneWithAFreeSlot() throws Exception {
        List<ScriptedBackend> backends = echoing(2).backends();
        ScriptedBackend a = backends.get(0);
        ScriptedBackend b = backends.get(1);
        // "/a" reaches only A; "/" balances over A and B
        Gateway gateway = fx.gateway(fx.config(a.address(), b.address())
                .route("/a", BalancerKind.ROUND_ROBIN, List.of(a.address()))
                .upstreamSource(pool(61040, PORTS)).build());
        for (int i = 0; i < 8; i++) {
            open(gateway, "/a");
        }
        assertThat(a.connections()).isEqualTo(8);

        for (int i = 0; i < 8; i++) {
            open(gateway, "/");
        }

        assertThat(a.connections()).as("A was full").isEqualTo(8);
        assertThat(b.connections()).isEqualTo(8);
        requireRefused(gateway);
    }

    @Test
    @Conforms(Rule.CAP_06)
    void cap06_aPairTheKernelRefusesIsSetAsideAndAnotherUsed() throws Exception {
        Echoes echoes = echoing(1);
        List<ScriptedBackend> backends = echoes.backends();
        InetAddress first = InetAddress.getByName(SOURCES.get(0));
        // another socket, without SO_REUSEADDR, holds the pool's first pair: the kernel refuses the bind
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress(first, 61050));
            Gateway gateway = fx.gateway(fx.config(backends.get(0).address())
                    .upstreamSource(UpstreamSource.pool(List.of(first), new PortRange(61050, 61051), Duration.ofSeconds(60)))
                    .build());

            open(gateway, "/");

            assertThat(echoes.seen()).singleElement().satisfies(c -> assertThat(c.remoteAddress().getPort()).isEqualTo(61051));
            GatewayStatus.EndpointStatus endpoint = capacity(gateway).endpoints().get(0);
            assertThat(endpoint.slots().setAside()).isEqualTo(1);
            assertThat(endpoint.slots().kernelRefusals()).isEqualTo(1);
            assertThat(endpoint.slots().inUse()).isEqualTo(1);
            assertThat(endpoint.slots().free()).isZero();
            requireRefused(gateway);
        }
    }

    @Test
    @Conforms(Rule.CAP_07)
    void cap07_statusAndMetricsShowTheArithmeticPerEndpoint() throws Exception {
        List<ScriptedBackend> backends = echoing(3).backends();
        Gateway gateway = gateway(backends, 61060, c -> c);
        open(gateway, 5);

        JsonNode status;
        try (RawClient c = Fixture.connect(gateway)) {
            c.write("GET /status HTTP/1.1\r\nHost: a\r\n\r\n");
            status = new ObjectMapper().readTree(c.readResponse().body());
        }
        JsonNode capacity = status.path("capacity");
        assertThat(capacity.path("mode").asText()).isEqualTo("pool");
        assertThat(capacity.path("formula").asText()).isEqualTo("3 endpoints x 8 = 24");
        assertThat(capacity.path("total").path("capacity").asLong()).isEqualTo(24);
        assertThat(capacity.path("total").path("inUse").asLong()).isEqualTo(5);
        assertThat(capacity.path("endpoints")).hasSize(3);
        for (JsonNode e : capacity.path("endpoints")) {
            assertThat(e.path("formula").asText()).isEqualTo("2 source addresses x 4 ports = 8");
            JsonNode s = e.path("slots");
            assertThat(s.path("free").asLong() + s.path("inUse").asLong() + s.path("setAside").asLong())
                    .isEqualTo(s.path("capacity").asLong());
        }
        String name = backends.get(0).address().getAddress().getHostAddress() + ":" + backends.get(0).address().getPort();
        String metrics = HeartbeatRules.metrics(gateway);
        assertThat(metrics)
                .containsPattern("anchor_upstream_slots_capacity\\{[^}]*backend=\"" + name + "\"[^}]*\\} 8\\.0")
                .containsPattern("anchor_upstream_slots\\{[^}]*state=\"in_use\"[^}]*\\}")
                .containsPattern("anchor_upstream_slots\\{[^}]*state=\"free\"[^}]*\\}")
                .containsPattern("anchor_upstream_slots_refused_total\\{[^}]*by=\"pool\"[^}]*\\}");
    }

    // tag::cap-08[]
    @Test
    @Conforms(Rule.CAP_08)
    void cap08_whenTheKernelsRangeRunsOutTheClientGets503() throws Exception {
        String why = Netns.cannotRun(subject());
        if (why != null) {
            throw new TestAbortedException("a tiny ephemeral port range is set in a network namespace of the test's own, which " + why);
        }
        Map<String, String> found = new LinkedHashMap<>();
        try (Netns ns = Netns.create("kernel-range")) {
            ns.feed(KernelRangeProbe.RANGE + "\n", "tee", "/proc/sys/net/ipv4/ip_local_port_range");
            Process child = ns.java(KernelRangeProbe.class, subject().provider().getClass().getName(), subject().leg().name());
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
                for (int i = 0; i < 20; i++) {
                    String line = Netns.line(out, TestTime.PROMPT.multipliedBy(4));
                    if (line.startsWith("DONE") || line.startsWith("(")) {
                        break;
                    }
                    int space = line.indexOf(' ');
                    found.put(space < 0 ? line : line.substring(0, space), space < 0 ? "" : line.substring(space + 1));
                }
            } finally {
                child.destroyForcibly();
                child.waitFor(5, TimeUnit.SECONDS);
            }
        }

        assertThat(found).as("what the probe found").doesNotContainKey("FAILED")
                .containsEntry("FORMULA", "1 source address (the kernel's choice) x 4 ephemeral ports = 4")
                .containsEntry("A_OPENED", "4")
                .containsEntry("A_ACCEPTED", "4")
                .containsEntry("A_IN_USE", "4")
                .containsEntry("B_OPENED", "4"); // unbound connects share the same 4 ports across backends
        assertThat(found.get("A_NEXT")).as("the fifth tunnel to one backend").matches("503 [0-9]+");
        assertThat(Long.parseLong(found.get("A_KERNEL_REFUSALS"))).isPositive();
    }
    // end::cap-08[]

    @Test
    @Conforms(Rule.CAP_09)
    void cap09_aSourceAddressThisHostDoesNotHaveIsRefusedAtStart() throws Exception {
        ScriptedBackend backend = fx.scripted(BackendConnection::accept);
        // 203.0.113.0/24 is TEST-NET-3 (RFC 5737): no host has it
        GatewayConfig config = fx.config(backend.address())
                .upstreamSource(UpstreamSource.pool(List.of(InetAddress.getByName("203.0.113.7")),
                        new PortRange(61070, 61073), Duration.ofSeconds(60)))
                .build();

        assertThatThrownBy(() -> fx.gateway(config))
                .isInstanceOf(StartRefused.class)
                .hasMessageContaining("upstream.addresses")
                .hasMessageContaining("203.0.113.7");
        assertThat(backend.connections()).isZero();
    }
}
