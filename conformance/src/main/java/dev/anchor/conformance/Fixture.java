package dev.anchor.conformance;

import dev.anchor.conformance.peers.Blackhole;
import dev.anchor.conformance.peers.RawClient;
import dev.anchor.conformance.peers.ScriptedBackend;
import dev.anchor.conformance.peers.WsClient;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.gateway.GatewayStatus;
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
import java.util.List;
import java.util.Map;

/**
 * What one test starts: backends, the gateway under test and clients. On close it shuts the peers
 * first, then requires the gateway's own counts to come back to zero (a leak fails the test that
 * caused it), then stops the gateway and the backends.
 */
public final class Fixture implements AutoCloseable {
    private final Subject subject;
    private final Deque<AutoCloseable> clients = new ArrayDeque<>();
    private final Deque<AutoCloseable> backends = new ArrayDeque<>();
    private final List<Gateway> gateways = new ArrayList<>();

    Fixture(Subject subject) {
        this.subject = subject;
    }

    public EchoServer echo() throws InterruptedException {
        return track(backends, EchoServer.start());
    }

    public ScriptedBackend scripted(ScriptedBackend.Script script) throws IOException {
        return track(backends, ScriptedBackend.start(script));
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
                .headTimeout(Duration.ofSeconds(2))
                .connectTimeout(Duration.ofSeconds(1))
                .handshakeTimeout(Duration.ofSeconds(2));
        return backends.length == 0 ? b : b.route("/", BalancerKind.ROUND_ROBIN, List.of(backends));
    }

    public Gateway gateway(GatewayConfig config) throws IOException {
        Gateway g = subject.provider().start(config);
        gateways.add(g);
        return g;
    }

    public Gateway gateway(InetSocketAddress... backends) throws IOException {
        return gateway(config(backends).build());
    }

    public RawClient raw(Gateway gateway) throws IOException {
        return track(clients, RawClient.connect(gateway.address()));
    }

    /** A raw client connecting from {@code local}, e.g. 127.0.0.2, to look like another host. */
    public RawClient raw(Gateway gateway, InetAddress local) throws IOException {
        return track(clients, RawClient.connect(gateway.address(), local));
    }

    /** A raw client with a small receive buffer: when it stops reading, the gateway soon holds bytes for it. */
    public RawClient slowReader(Gateway gateway, int receiveBuffer) throws IOException {
        return track(clients, RawClient.connectSmall(gateway.address(), receiveBuffer));
    }

    public WsClient ws(Gateway gateway, String path) throws Exception {
        return track(clients, WsClient.open(gateway.address(), path));
    }

    public WsClient ws(Gateway gateway, String path, List<String> subprotocols, Map<String, String> headers)
            throws Exception {
        return track(clients, WsClient.open(gateway.address(), path, subprotocols, headers));
    }

    /** Waits until the gateway holds no connection and no tunnel. */
    public static void awaitIdle(Gateway gateway, String after) {
        Await.until("the gateway to hold no connection " + after, TestTime.PROMPT, gateway::status,
                Fixture::idle);
    }

    static boolean idle(GatewayStatus s) {
        return s.clientConnections() == 0 && s.upstreamConnections() == 0 && s.tunnels() == 0;
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
                if (!idle(g.status())) {
                    problems.add(new AssertionError("after close() the gateway still counts " + g.status()));
                }
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
}
