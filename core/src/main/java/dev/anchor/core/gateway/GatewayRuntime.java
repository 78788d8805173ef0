package dev.anchor.core.gateway;

import dev.anchor.core.capacity.Capacity;
import dev.anchor.core.capacity.LocalSources;
import dev.anchor.core.capacity.UpstreamSlots;
import dev.anchor.core.config.ConfigException;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.config.RouteConfig;
import dev.anchor.core.health.HealthChecks;
import dev.anchor.core.lifecycle.Departures;
import dev.anchor.core.lifecycle.Drain;
import dev.anchor.core.lifecycle.DrainReport;
import dev.anchor.core.route.Backend;
import dev.anchor.core.route.Route;
import dev.anchor.core.route.Router;
import dev.anchor.core.tls.ServerTls;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Everything a running gateway has that is not a socket: its configuration, routes and backends,
 * the handshake decisions, the connection accounting and the metrics, and its lifecycle: drain,
 * reload, backend health and tunnel lifetimes. Each implementation makes one at start, hands it the
 * events of its sockets, and asks it for the configuration each time a connection begins, so that
 * a reload reaches new connections and leaves live ones as they started.
 */
public final class GatewayRuntime implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(GatewayRuntime.class.getName());

    private final String implementation;
    private final GatewayMetrics metrics;
    private final ConnectionRegistry connections;
    private final long started = System.nanoTime();
    private final HeartbeatMeters clientHeartbeat;
    private final HeartbeatMeters backendHeartbeat;
    /** Every endpoint any configuration named: a backend removed and named again gets its own slots back. */
    private final Map<InetSocketAddress, Backend> known = new ConcurrentHashMap<>();
    private final Departures departures = new Departures();
    private final HealthChecks healthChecks = new HealthChecks(departures);
    private final Drain drain;
    private volatile Generation current;
    private final java.util.concurrent.atomic.AtomicLong reloadsRefused = new java.util.concurrent.atomic.AtomicLong();
    private volatile String lastRefusal;
    private volatile Supplier<GatewayConfig> reloadSource;
    private volatile InetSocketAddress listening;
    private volatile String transport;

    /** One configuration in force, and what is built from it. */
    private record Generation(long number, GatewayConfig config, Capacity capacity, Router router,
                              HandshakePolicy handshakes, ServerTls tls) {
    }

    /**
     * @param probe binds a socket to a pool source address to prove it is this host's; the
     *              implementation's, since core holds no sockets
     */
    public GatewayRuntime(String implementation, GatewayConfig config, LocalSources.Probe probe) {
        this.implementation = implementation;
        LocalSources.require(config.upstream(), probe);
        this.metrics = new GatewayMetrics(implementation);
        this.connections = new ConnectionRegistry(metrics);
        this.drain = new Drain(connections, departures);
        this.metrics.bind(connections, drain::active);
        this.clientHeartbeat = metrics.heartbeat(Side.CLIENT);
        this.backendHeartbeat = metrics.heartbeat(Side.BACKEND);
        apply(generation(1, config));
    }

    private Generation generation(long number, GatewayConfig config) {
        Map<InetSocketAddress, UpstreamSlots> kept = known.values().stream()
                .collect(Collectors.toMap(Backend::address, Backend::slots));
        // certificates first: a file that cannot be read refuses the configuration before anything else is built
        ServerTls tls = config.listenTls().enabled() ? ServerTls.load(config.listenTls()) : null;
        Capacity capacity = Capacity.of(config, kept);
        Router router = new Router(routes(config, capacity));
        AdminEndpoints admin = new AdminEndpoints(config.admin(), config.adminAllow(), metrics, this::status, operations());
        return new Generation(number, config, capacity, router,
                new HandshakePolicy(router, admin, metrics, drain::active, connections, tls == null ? "http" : "https"), tls);
    }

    /** One {@link Backend} per distinct endpoint, shared by every route that names it, and by every configuration. */
    private List<Route> routes(GatewayConfig config, Capacity capacity) {
        List<Route> routes = new ArrayList<>();
        for (RouteConfig rc : config.routes()) {
            List<Backend> pool = rc.backends().stream()
                    .map(e -> known.computeIfAbsent(e.address(), a -> new Backend(e.text(), a, capacity.slots(a))))
                    .distinct()
                    .toList();
            routes.add(new Route(rc.path(), pool, rc.balance().create()));
        }
        return routes;
    }

    private void apply(Generation g) {
        current = g;
        connections.lifecycle(this::opened, g.config().health().downFor());
        metrics.bind(g.router().backends());
        metrics.bind(g.capacity());
        healthChecks.watch(g.router().backends(), g.config().health(), this::wentDown);
    }

    // tag::reload[]
    /**
     * Applies {@code next} to every connection that begins from now on. Live tunnels keep the
     * settings they started with, and nothing of theirs is touched; a backend the new configuration
     * no longer names takes no new tunnel, and its live ones stay, or are asked to go after
     * {@code drain.timeout} with {@code reload.drain-removed}. A change that only a restart can
     * apply is refused, naming its key, and the configuration in force stays.
     *
     * @return what changed, in a line
     * @throws ConfigException when refused
     */
    public synchronized String reload(GatewayConfig next) {
        Generation before = current;
        String key = before.config().restartOnlyChange(next);
        if (key != null) {
            throw refused(new ConfigException(key, "cannot change on reload: it is read when the gateway starts; "
                    + "restart to change it"));
        }
        Generation after;
        try {
            after = generation(before.number() + 1, next); // reads the certificate files, which may have gone bad
        } catch (ConfigException e) {
            throw refused(e);
        }
        Set<Backend> kept = Set.copyOf(after.router().backends());
        List<Backend> removed = before.router().backends().stream().filter(b -> !kept.contains(b)).toList();
        apply(after);
        metrics.reloaded(true);
        if (next.reloadDrainRemoved() && !removed.isEmpty()) {
            // unless a later reload names the backend again before its tunnels' time comes
            departures.spread(tunnelsOf(removed), next.drain().timeout(), next.drain().spread(), CloseReason.BACKEND_REMOVED,
                    t -> !current.router().backends().contains(t.backend()));
        }
        String summary = "configuration " + after.number() + " in force: " + after.router().routes().size() + " routes, "
                + kept.size() + " backends" + (removed.isEmpty() ? "" : ", removed " + removed
                + (next.reloadDrainRemoved() ? " (their tunnels go after " + next.drain().timeout().toSeconds() + " s)"
                        : " (their tunnels stay)"));
        LOG.log(System.Logger.Level.INFO, "reloaded: {0}", summary);
        return summary;
    }
    // end::reload[]

    /** Re-reads the configuration from where it came from (the file), as SIGHUP and {@code POST /reload} do. */
    public String reload() {
        Supplier<GatewayConfig> source = reloadSource;
        if (source == null) {
            throw refused(new ConfigException("", "this gateway was not started from a configuration file"));
        }
        GatewayConfig next;
        try {
            next = source.get();
        } catch (ConfigException e) {
            throw refused(e);
        }
        return reload(next);
    }

    /** Where {@link #reload()} reads the configuration from; the CLI's file. */
    public void reloadFrom(Supplier<GatewayConfig> source) {
        this.reloadSource = source;
    }

    private ConfigException refused(ConfigException e) {
        metrics.reloaded(false);
        reloadsRefused.incrementAndGet();
        lastRefusal = e.getMessage();
        LOG.log(System.Logger.Level.WARNING, "reload refused, the configuration in force stays: {0}", e.getMessage());
        return e;
    }

    /**
     * Begins a graceful drain, once: no new tunnel, {@code /healthz} 503, and every live tunnel asked
     * to go within {@code drain.spread}. The future completes with the report when nothing is left
     * or at {@code drain.timeout}; the caller then closes the gateway.
     */
    public CompletableFuture<DrainReport> drain() {
        GatewayConfig config = current.config();
        if (!drain.active()) {
            double spread = config.drain().spread().toMillis() / 1000.0;
            double timeout = config.drain().timeout().toMillis() / 1000.0;
            LOG.log(System.Logger.Level.INFO, "draining {0} tunnels: those that follow frames are asked to go within {1} s, "
                            + "byte tunnels (off mode) get FIN between {2} s and {3} s; whatever is left is closed at {3} s",
                    connections.tunnelCount(), spread, timeout - spread, timeout);
        }
        return drain.begin(config.drain());
    }

    /** Completes when a drain, however begun, is over. */
    public CompletableFuture<DrainReport> drained() {
        return drain.done();
    }

    public boolean draining() {
        return drain.active();
    }

    // tag::opened[]
    /** A tunnel can now be asked to go: a drain under way asks it at once; otherwise its lifetime, if any, starts. */
    private void opened(TunnelStats t) {
        if (drain.active()) {
            drain.opened(t);
            return;
        }
        GatewayConfig config = current.config();
        if (config.limitsLifetime()) {
            // between 90% and 100% of the maximum: the configured value is a bound, and tunnels
            // opened together do not all go together
            long max = config.tunnelMaxLifetime().toNanos();
            long at = max - ThreadLocalRandom.current().nextLong(max / 10 + 1);
            t.lifetime(departures.at(Duration.ofNanos(at), () -> t.goAway(CloseReason.MAX_LIFETIME)));
        }
    }
    // end::opened[]

    /** An active probe marked {@code backend} down: its tunnels go too, if the configuration says so. */
    private void wentDown(Backend backend) {
        GatewayConfig config = current.config();
        if (config.health().closeTunnelsOnDown()) {
            departures.spread(tunnelsOf(List.of(backend)), Duration.ZERO, config.drain().spread(), CloseReason.BACKEND_DOWN,
                    t -> !t.backend().health().up());
        }
    }

    private List<TunnelStats> tunnelsOf(List<Backend> backends) {
        return connections.tunnels().stream().filter(t -> backends.contains(t.backend())).toList();
    }

    private AdminEndpoints.Operations operations() {
        return new AdminEndpoints.Operations() {
            @Override
            public boolean draining() {
                return drain.active();
            }

            @Override
            public void drain() {
                GatewayRuntime.this.drain();
            }

            @Override
            public String reload() {
                return GatewayRuntime.this.reload();
            }
        };
    }

    public String implementation() {
        return implementation;
    }

    /** The configuration in force: read it when a connection begins, and keep what it said. */
    public GatewayConfig config() {
        return current.config();
    }

    /** The upstream source slots of every backend endpoint, and their arithmetic. */
    public Capacity capacity() {
        return current.capacity();
    }

    /**
     * TLS for a connection accepted now, or null on a plaintext listener. A reload that changes the
     * certificates reaches the connections accepted after it; live ones keep their sessions.
     */
    public ServerTls tls() {
        return current.tls();
    }

    public Router router() {
        return current.router();
    }

    public HandshakePolicy handshakes() {
        return current.handshakes();
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
        Generation g = current;
        Map<Backend, Boolean> backends = new LinkedHashMap<>();
        g.router().backends().forEach(b -> backends.put(b, true));
        // a removed backend is shown while connections to it live on
        known.values().stream().filter(b -> !backends.containsKey(b) && b.connections() > 0)
                .forEach(b -> backends.put(b, false));
        return new GatewayStatus(implementation,
                at == null ? "not listening" : at.getAddress().getHostAddress() + ":" + at.getPort(),
                (System.nanoTime() - started) / 1_000_000,
                connections.clientConnections(),
                connections.upstreamConnections(),
                connections.tunnelCount(),
                backends.entrySet().stream()
                        .map(e -> new GatewayStatus.BackendStatus(e.getKey().name(), e.getKey().connections(),
                                e.getKey().health().up(), e.getKey().health().describe(), e.getValue()))
                        .toList(),
                withTunnels
                        ? connections.tunnels().stream().map(GatewayStatus.TunnelStatus::of).toList()
                        : List.of(),
                transport,
                GatewayStatus.CapacityStatus.of(g.capacity()),
                new GatewayStatus.LifecycleStatus(drain.active(), g.number(), reloadsRefused.get(), lastRefusal),
                new GatewayStatus.EventCounts(
                        metrics.counts("anchor.tunnels.closed", "reason"),
                        metrics.counts("anchor.peer.deaths", "leg", "reason"),
                        metrics.counts("anchor.clients.refused", "reason"),
                        metrics.counts("anchor.handshakes", "result", "status")));
    }

    public GatewayStatus status() {
        return status(true);
    }

    /** Stops the lifecycle's timers and probes; the implementation calls it as it stops. */
    @Override
    public void close() {
        healthChecks.stop();
        departures.close();
    }
}
