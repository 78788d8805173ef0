package dev.anchor.conformance;

import dev.anchor.conformance.peers.Blackhole;
import dev.anchor.conformance.peers.ClientTls;
import dev.anchor.conformance.peers.RawClient;
import dev.anchor.conformance.peers.ScriptedBackend;
import dev.anchor.conformance.peers.WsClient;
import dev.anchor.conformance.tls.RunCa;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.gateway.GatewayStatus;
import dev.anchor.core.lifecycle.DrainReport;
import dev.anchor.core.route.BalancerKind;
import dev.anchor.echo.EchoServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.opentest4j.TestAbortedException;

/**
 * What one test starts: backends, the gateway under test and clients. On close it shuts the peers
 * first, then requires the gateway to hold no connection (a leak fails the test that caused it),
 * then stops the gateway and the backends. It also holds the rule to what it declares: a setting or
 * an endpoint the rule uses must be among the capabilities the rule names. Every gateway it starts
 * listens, and every client it makes speaks, on the run's {@link ClientLeg}: TLS, with the run's own
 * certificates, where the subject's leg is TLS.
 */
public final class Fixture implements AutoCloseable {
    /** The head deadline every fixture's configuration has unless a rule changes it (a capability, HEAD_TIMEOUT). */
    public static final Duration HEAD_TIMEOUT = Duration.ofSeconds(2);

    private final Subject subject;
    private final Rule rule;
    private final Set<Capability> offeredChecks = EnumSet.noneOf(Capability.class);
    private final Deque<AutoCloseable> clients = new ArrayDeque<>();
    private final Deque<AutoCloseable> backends = new ArrayDeque<>();
    private final List<Gateway> gateways = new ArrayList<>();

    Fixture(Subject subject, Rule rule) {
        this.subject = subject;
        this.rule = rule;
    }

    public EchoServer echo() throws InterruptedException {
        return track(backends, EchoServer.start());
    }

    public ScriptedBackend scripted(ScriptedBackend.Script script) throws IOException {
        return track(backends, ScriptedBackend.start(script));
    }

    /** A scripted backend listening on {@code at}: a port a rule chose, e.g. one a backend had before it went down. */
    public ScriptedBackend scripted(ScriptedBackend.Script script, InetSocketAddress at) throws IOException {
        return track(backends, ScriptedBackend.start(script, at));
    }

    public Blackhole blackhole() throws IOException {
        return track(backends, Blackhole.open());
    }

    /** A loopback port nothing listens on: a connect there is refused at once. */
    public InetSocketAddress refusing() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return (InetSocketAddress) s.getLocalSocketAddress();
        }
    }

    /** A configuration routing every path to {@code backends} (no route if none), with deadlines suited to tests. */
    public GatewayConfig.Builder config(InetSocketAddress... backends) {
        GatewayConfig.Builder b = GatewayConfig.builder()
                .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .headTimeout(HEAD_TIMEOUT)
                .connectTimeout(Duration.ofSeconds(1))
                .handshakeTimeout(Duration.ofSeconds(2));
        return backends.length == 0 ? b : b.route("/", BalancerKind.ROUND_ROBIN, List.of(backends));
    }

    /**
     * Starts a gateway with {@code config}; on a TLS leg with {@code listen.tls} too, presenting the
     * run's certificate for the loopback, unless the rule chose certificates. The gateway returned
     * knows how its clients speak to it, so every client a rule makes of it speaks the same.
     */
    public Gateway gateway(GatewayConfig config) throws IOException {
        for (Capability used : Capabilities.usedBy(config)) {
            uses(used);
        }
        GatewayConfig onLeg = subject.leg().configure(config);
        Gateway g = subject.target().start(onLeg);
        gateways.add(g);
        return new Checked(g, this, onLeg.listenTls().enabled() ? RunCa.get().client() : null);
    }

    /**
     * Fails the rule if it uses a capability it does not declare (a fault of the suite, caught on
     * Anchor's own implementations, which have them all).
     */
    void uses(Capability capability) {
        if (rule != null && !rule.needs().contains(capability) && !offeredChecks.contains(capability)) {
            throw new AssertionError("the suite's rule " + rule.id() + " uses the capability " + capability.key()
                    + " without declaring it in Rule");
        }
        if (!subject.target().capabilities().contains(capability)) {
            throw new TestAbortedException(RuleExtension.UNSUPPORTED + subject.name() + " does not declare " + capability.key());
        }
    }

    /** A check the rule adds where the target offers {@code capability}, and does without elsewhere. */
    public void whereOffered(Capability capability, Check check) throws Exception {
        if (!subject.target().capabilities().contains(capability)) {
            return;
        }
        offeredChecks.add(capability);
        try {
            check.run();
        } finally {
            offeredChecks.remove(capability);
        }
    }

    public interface Check {
        void run() throws Exception;
    }

    /** Begins a graceful drain (SIGTERM for a process); completes when it is over, with the process exited. */
    public CompletableFuture<DrainReport> drain(Gateway gateway) {
        uses(Capability.DRAIN);
        return unchecked(gateway).drain();
    }

    /** Applies {@code next}, on the run's client leg, to the running gateway (SIGHUP for a process); throws the refusal. */
    public void reload(Gateway gateway, GatewayConfig next) {
        uses(Capability.RELOAD);
        for (Capability used : Capabilities.usedBy(next)) {
            uses(used);
        }
        unchecked(gateway).reload(subject.leg().configure(next));
    }

    /** For a helper that reads a gateway's endpoint: the fixture that started it checks the rule declares it. */
    public static void uses(Gateway gateway, Capability capability) {
        if (gateway instanceof Checked c) {
            c.fixture.uses(capability);
        }
    }

    public Gateway gateway(InetSocketAddress... backends) throws IOException {
        return gateway(config(backends).build());
    }

    /** A raw client, speaking the gateway's client leg (TLS over a TLS listener), closed with the fixture. */
    public RawClient raw(Gateway gateway) throws IOException {
        return track(clients, connect(gateway));
    }

    /** A raw client connecting from {@code local}, e.g. 127.0.0.2, to look like another host. */
    public RawClient raw(Gateway gateway, InetAddress local) throws IOException {
        return track(clients, RawClient.connect(gateway.address(), new InetSocketAddress(local, 0), 0, clientTls(gateway)));
    }

    /** A raw client with a small receive buffer: when it stops reading, the gateway soon holds bytes for it. */
    public RawClient slowReader(Gateway gateway, int receiveBuffer) throws IOException {
        return track(clients, RawClient.connect(gateway.address(), null, receiveBuffer, clientTls(gateway)));
    }

    /** A client of plain TCP even to a TLS listener: for the rules about what a TLS listener does with anything else. */
    public RawClient plain(Gateway gateway) throws IOException {
        return track(clients, RawClient.connect(gateway.address()));
    }

    /** A client speaking TLS as {@code tls} says (its own server name, say) to a TLS listener. */
    public RawClient tls(Gateway gateway, ClientTls tls) throws IOException {
        return track(clients, RawClient.connect(gateway.address(), tls));
    }

    public WsClient ws(Gateway gateway, String path) throws Exception {
        return ws(gateway, path, List.of(), Map.of());
    }

    public WsClient ws(Gateway gateway, String path, List<String> subprotocols, Map<String, String> headers)
            throws Exception {
        ClientTls tls = clientTls(gateway);
        return track(clients, WsClient.open(gateway.address(), path, subprotocols, headers, tls == null ? null : tls.context()));
    }

    /**
     * A raw client of {@code gateway}, speaking its client leg, that the caller closes: for helpers
     * that ask a gateway one thing, and for clients made on other threads.
     */
    public static RawClient connect(Gateway gateway) throws IOException {
        return RawClient.connect(gateway.address(), clientTls(gateway));
    }

    /** How a client speaks TLS to {@code gateway}, as the fixture that started it knows; null for plain TCP. */
    public static ClientTls clientTls(Gateway gateway) {
        return gateway instanceof Checked c ? c.tls() : null;
    }

    /** The connections the gateway holds, in words (its own counts, or its process's sockets); empty if none. */
    public Optional<String> held(Gateway gateway) {
        return subject.target().held(unchecked(gateway));
    }

    /** Its status where the target reports one: for a check the rule adds when it can, not one it rests on. */
    public Optional<GatewayStatus> reported(Gateway gateway) {
        boolean reports = subject.target().capabilities().contains(Capability.STATUS);
        return reports ? Optional.of(unchecked(gateway).status()) : Optional.empty();
    }

    /** Waits until the gateway holds no connection and no tunnel. */
    public void awaitIdle(Gateway gateway, String after) {
        Await.until("the gateway to hold no connection " + after, TestTime.PROMPT, () -> held(gateway), Optional::isEmpty);
    }

    /** The gateway itself, for the fixture's own questions, which no rule has to declare. */
    private static Gateway unchecked(Gateway gateway) {
        return gateway instanceof Checked c ? c.gateway : gateway;
    }

    private static <T extends AutoCloseable> T track(Deque<AutoCloseable> list, T resource) {
        list.push(resource);
        return resource;
    }

    @Override
    public void close() {
        List<Throwable> problems = new ArrayList<>();
        closeAll(clients, problems);
        closeAll(backends, problems);
        for (Gateway g : gateways) {
            try {
                awaitIdle(g, "once every peer has closed (a leak)");
            } catch (AssertionError leak) {
                problems.add(leak);
            }
            try {
                g.close();
                // and nothing may be left once it says it has stopped
                subject.target().held(g).ifPresent(held ->
                        problems.add(new AssertionError("after close() the gateway still holds " + held)));
            } catch (RuntimeException e) {
                problems.add(e);
            }
        }
        if (!problems.isEmpty()) {
            AssertionError e = new AssertionError("test teardown: " + problems.get(0).getMessage(), problems.get(0));
            problems.stream().skip(1).forEach(e::addSuppressed);
            throw e;
        }
    }

    private static void closeAll(Deque<AutoCloseable> resources, List<Throwable> problems) {
        while (!resources.isEmpty()) {
            try {
                resources.pop().close();
            } catch (Exception e) {
                problems.add(e);
            }
        }
    }

    /**
     * The gateway a rule sees: reading its status is a capability the rule must declare, and it
     * knows how its clients speak to it ({@code tls}, null for plain TCP).
     */
    private record Checked(Gateway gateway, Fixture fixture, ClientTls tls) implements Gateway {
        @Override
        public String implementation() {
            return gateway.implementation();
        }

        @Override
        public InetSocketAddress address() {
            return gateway.address();
        }

        @Override
        public GatewayStatus status() {
            fixture.uses(Capability.STATUS);
            return gateway.status();
        }

        @Override
        public CompletableFuture<DrainReport> drain() {
            return fixture.drain(gateway);
        }

        @Override
        public void reload(GatewayConfig next) {
            fixture.reload(gateway, next);
        }

        @Override
        public void close() {
            gateway.close();
        }
    }
}
