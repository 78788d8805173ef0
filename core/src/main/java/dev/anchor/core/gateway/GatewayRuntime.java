package dev.anchor.core.gateway;

import dev.anchor.core.capacity.Capacity;
import dev.anchor.core.capacity.LocalSources;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.config.RouteConfig;
import dev.anchor.core.route.Backend;
import dev.anchor.core.route.Route;
import dev.anchor.core.route.Router;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything a running gateway has that is not a socket: its configuration, routes and backends,
 * the handshake decisions, the connection accounting and the metrics. Each implementation makes
 * one at start and hands it the events of its sockets.
 */
public final class GatewayRuntime {
    private final String implementation;
    private final GatewayConfig config;
    private final Capacity capacity;
    private final Router router;
    private final GatewayMetrics metrics;
    private final ConnectionRegistry connections;
    private final HandshakePolicy handshakes;
    private final long started = System.nanoTime();
    private final HeartbeatMeters clientHeartbeat;
    private final HeartbeatMeters backendHeartbeat;
    private volatile InetSocketAddress listening;
    private volatile String transport;

    /**
     * @param probe binds a socket to a pool source address to prove it is this host's; the
     *              implementation's, since core holds no sockets
     */
    public GatewayRuntime(String implementation, GatewayConfig config, LocalSources.Probe probe) {
        this.implementation = implementation;
        this.config = config;
        LocalSources.require(config.upstream(), probe);
        this.capacity = Capacity.of(config);
        this.router = new Router(routes(config, capacity));
        this.metrics = new GatewayMetrics(implementation);
        this.connections = new ConnectionRegistry(metrics);
        this.metrics.bind(connections, router.backends());
        this.metrics.bind(capacity);
        this.clientHeartbeat = metrics.heartbeat(Side.CLIENT);
        this.backendHeartbeat = metrics.heartbeat(Side.BACKEND);
        this.handshakes = new HandshakePolicy(router, new AdminEndpoints(config.admin(), config.adminAllow(), metrics, this::status), metrics);
    }

    /** One {@link Backend} per distinct endpoint, shared by every route that names it, with its slots. */
    private static List<Route> routes(GatewayConfig config, Capacity capacity) {
        Map<InetSocketAddress, Backend> endpoints = new HashMap<>();
        List<Route> routes = new ArrayList<>();
        for (RouteConfig rc : config.routes()) {
            List<Backend> pool = rc.backends().stream()
                    .map(e -> endpoints.computeIfAbsent(e.address(), a -> new Backend(e.text(), a, capacity.slots(a))))
                    .distinct()
                    .toList();
            routes.add(new Route(rc.path(), pool, rc.balance().create()));
        }
        return routes;
    }

    public String implementation() {
        return implementation;
    }

    public GatewayConfig config() {
        return config;
    }

    /** The upstream source slots of every backend endpoint, and their arithmetic. */
    public Capacity capacity() {
        return capacity;
    }

    public Router router() {
        return router;
    }

    public HandshakePolicy handshakes() {
        return handshakes;
    }

    public ConnectionRegistry connections() {
        return connections;
    }

    public GatewayMetrics metrics() {
        return metrics;
    }

    /** The heartbeat meters of one leg, shared by every tunnel. */
    public HeartbeatMeters heartbeatMeters(Side side) {
        return side == Side.CLIENT ? clientHeartbeat : backendHeartbeat;
    }

    /** The implementation has bound its listening socket to {@code address}. */
    public void listening(InetSocketAddress address) {
        this.listening = address;
    }

    /** The implementation chose {@code name} as its I/O transport (Netty: epoll or nio); shown in the status. */
    public void transport(String name) {
        this.transport = name;
    }

    public GatewayStatus status(boolean withTunnels) {
        InetSocketAddress at = listening;
        return new GatewayStatus(implementation,
                at == null ? "not listening" : at.getAddress().getHostAddress() + ":" + at.getPort(),
                (System.nanoTime() - started) / 1_000_000,
                connections.clientConnections(),
                connections.upstreamConnections(),
                connections.tunnelCount(),
                router.backends().stream()
                        .map(b -> new GatewayStatus.BackendStatus(b.name(), b.connections()))
                        .toList(),
                withTunnels
                        ? connections.tunnels().stream().map(GatewayStatus.TunnelStatus::of).toList()
                        : List.of(),
                transport,
                GatewayStatus.CapacityStatus.of(capacity));
    }

    public GatewayStatus status() {
        return status(true);
    }
}
