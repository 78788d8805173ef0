package dev.anchor.core.config;

import dev.anchor.core.http.HeadLimits;
import dev.anchor.core.route.BalancerKind;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Everything a gateway is started with. All three implementations read the same record; a section
 * that only one of them uses ({@code blocking}) says so in its name. Build one with {@link #builder()}
 * or load it with {@link ConfigLoader}; both reject a bad value by naming its key.
 */
public record GatewayConfig(
        String implementation,
        InetSocketAddress listen,
        ListenTls listenTls,
        HeadLimits head,
        Timeouts timeouts,
        int tunnelBuffer,
        List<RouteConfig> routes,
        boolean admin,
        List<AddressRange> adminAllow,
        ThreadKind blockingThreads,
        int eventLoops,
        HeartbeatConfig heartbeat,
        TcpOptions tcpClient,
        TcpOptions tcpBackend,
        UpstreamSource upstream,
        DrainConfig drain,
        HealthConfig health,
        boolean reloadDrainRemoved,
        Duration tunnelMaxLifetime) {

    /** The event-loop threads to run: {@code event-loops}, or one per available core when it is 0. */
    public int eventLoopThreads() {
        return eventLoops > 0 ? eventLoops : Runtime.getRuntime().availableProcessors();
    }

    /**
     * Refuses to run with TCP_USER_TIMEOUT on an implementation that cannot set it, naming the key:
     * an option silently ignored is worse than one refused.
     */
    public void refuseUserTimeout(String implementation, String why) {
        for (String leg : List.of("client", "backend")) {
            TcpOptions options = leg.equals("client") ? tcpClient : tcpBackend;
            if (options.setsUserTimeout()) {
                throw new ConfigException("tcp." + leg + ".user-timeout", "the " + implementation
                        + " implementation cannot set TCP_USER_TIMEOUT (" + why + "); remove the key, or run netty on Linux");
            }
        }
    }

    /**
     * The most source pairs one backend's pool may have. A process cannot hold more sockets than
     * fs.nr_open allows (1,048,576 by default on Linux), and the pool keeps state for every pair.
     */
    public static final int MAX_SLOTS = 1 << 20;

    /** The implementations a configuration may name, whether or not this build contains them. */
    public static final List<String> IMPLEMENTATIONS = List.of("blocking", "nio", "netty");

    public GatewayConfig {
        routes = List.copyOf(routes);
        adminAllow = List.copyOf(adminAllow);
    }

    /** Whether tunnels end when they reach an age ({@code tunnel.max-lifetime}). */
    public boolean limitsLifetime() {
        return !tunnelMaxLifetime.isZero();
    }

    // tag::restart-only[]
    /**
     * The first key whose change a reload cannot apply, or null. These are read once, when the
     * gateway starts: the listening socket, the threads, the buffers sized for them, the socket
     * options some implementations prepare once, and the source-port pools whose pairs live
     * connections hold. A reload that changes one is refused, naming it, and the gateway goes on
     * with the configuration it has; everything else applies to new connections.
     */
    public String restartOnlyChange(GatewayConfig next) {
        if (!implementation.equals(next.implementation)) {
            return "implementation";
        }
        if (!listen.equals(next.listen)) {
            return "listen";
        }
        if (listenTls.enabled() != next.listenTls.enabled()) {
            return "listen.tls"; // new certificates apply on reload; turning TLS on or off does not
        }
        if (eventLoops != next.eventLoops) {
            return "event-loops";
        }
        if (blockingThreads != next.blockingThreads) {
            return "blocking.threads";
        }
        if (tunnelBuffer != next.tunnelBuffer) {
            return "tunnel.buffer";
        }
        if (!tcpClient.equals(next.tcpClient)) {
            return "tcp.client";
        }
        if (!tcpBackend.equals(next.tcpBackend)) {
            return "tcp.backend";
        }
        return upstream.equals(next.upstream) ? null : "upstream";
    }
    // end::restart-only[]

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this configuration, to change a few values of it. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.implementation = implementation;
        b.listen = listen;
        b.listenTls = listenTls;
        b.headBytes = head.maxBytes();
        b.headFields = head.maxFields();
        b.timeouts = timeouts;
        b.tunnelBuffer = tunnelBuffer;
        b.routes.addAll(routes);
        b.admin = admin;
        b.adminAllow = adminAllow;
        b.blockingThreads = blockingThreads;
        b.eventLoops = eventLoops;
        b.heartbeat = heartbeat;
        b.tcpClient = tcpClient;
        b.tcpBackend = tcpBackend;
        b.upstream = upstream;
        b.drain = drain;
        b.health = health;
        b.reloadDrainRemoved = reloadDrainRemoved;
        b.tunnelMaxLifetime = tunnelMaxLifetime;
        return b;
    }

    public static final class Builder {
        private String implementation = "blocking";
        private InetSocketAddress listen = new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080);
        private ListenTls listenTls = ListenTls.OFF;
        private int headBytes = HeadLimits.DEFAULT.maxBytes();
        private int headFields = HeadLimits.DEFAULT.maxFields();
        private Timeouts timeouts = Timeouts.DEFAULT;
        private int tunnelBuffer = 16 * 1024;
        private final List<RouteConfig> routes = new ArrayList<>();
        private boolean admin = true;
        private List<AddressRange> adminAllow = List.of(AddressRange.parse("admin.allow", "127.0.0.0/8"),
                AddressRange.parse("admin.allow", "::1/128"));
        private ThreadKind blockingThreads = ThreadKind.VIRTUAL;
        private int eventLoops;
        private HeartbeatConfig heartbeat = HeartbeatConfig.OFF;
        private TcpOptions tcpClient = TcpOptions.DEFAULT;
        private TcpOptions tcpBackend = TcpOptions.DEFAULT;
        private UpstreamSource upstream = UpstreamSource.KERNEL;
        private DrainConfig drain = DrainConfig.DEFAULT;
        private HealthConfig health = HealthConfig.DEFAULT;
        private boolean reloadDrainRemoved;
        private Duration tunnelMaxLifetime = Duration.ZERO;

        private Builder() {
        }

        public Builder implementation(String name) {
            if (!IMPLEMENTATIONS.contains(name)) {
                throw ConfigException.invalid("implementation", name, "one of " + IMPLEMENTATIONS);
            }
            this.implementation = name;
            return this;
        }

        public Builder listen(InetSocketAddress address) {
            this.listen = address;
            return this;
        }

        /** TLS on the listening socket; {@link ListenTls#OFF} for plaintext. */
        public Builder listenTls(ListenTls tls) {
            this.listenTls = tls;
            return this;
        }

        public Builder headBytes(long bytes) {
            this.headBytes = (int) size("limits.head-bytes", bytes, 1024, 1 << 20);
            return this;
        }

        public Builder headFields(long fields) {
            this.headFields = (int) count("limits.head-fields", fields, 1, 1000);
            return this;
        }

        public Builder headTimeout(Duration d) {
            timeouts = new Timeouts(positive("timeouts.head", d), timeouts.connect(), timeouts.handshake(), timeouts.idle(), timeouts.write());
            return this;
        }

        public Builder connectTimeout(Duration d) {
            timeouts = new Timeouts(timeouts.head(), positive("timeouts.connect", d), timeouts.handshake(), timeouts.idle(), timeouts.write());
            return this;
        }

        public Builder handshakeTimeout(Duration d) {
            timeouts = new Timeouts(timeouts.head(), timeouts.connect(), positive("timeouts.handshake", d), timeouts.idle(), timeouts.write());
            return this;
        }

        /** {@link Duration#ZERO} turns the idle timeout off. */
        public Builder idleTimeout(Duration d) {
            Duration idle = d.isZero() ? d : positive("timeouts.idle", d);
            timeouts = new Timeouts(timeouts.head(), timeouts.connect(), timeouts.handshake(), idle, timeouts.write());
            return this;
        }

        public Builder tunnelBuffer(long bytes) {
            this.tunnelBuffer = (int) size("tunnel.buffer", bytes, 1024, 16 << 20);
            return this;
        }

        public Builder route(String path, BalancerKind balance, List<InetSocketAddress> backends) {
            return route(new RouteConfig(path, backends.stream().map(Endpoint::of).toList(), balance));
        }

        public Builder route(RouteConfig route) {
            String key = "routes[" + routes.size() + "]";
            if (!route.path().startsWith("/") || route.path().chars().anyMatch(c -> c <= 0x20 || c >= 0x7f || c == '?' || c == '#')) {
                throw ConfigException.invalid(key + ".path", route.path(),
                        "a path prefix starting with '/', visible ASCII, no '?' or '#'");
            }
            if (route.backends().isEmpty()) {
                throw new ConfigException(key + ".backends", "a route needs at least one backend");
            }
            routes.add(route);
            return this;
        }

        public Builder clearRoutes() {
            routes.clear();
            return this;
        }

        public Builder admin(boolean enabled) {
            this.admin = enabled;
            return this;
        }

        /** Who may read /metrics and /status; /healthz answers everyone. */
        public Builder adminAllow(List<AddressRange> ranges) {
            this.adminAllow = List.copyOf(ranges);
            return this;
        }

        public Builder blockingThreads(ThreadKind kind) {
            this.blockingThreads = kind;
            return this;
        }

        /** How long a write may make no progress before its peer counts as dead. */
        public Builder writeTimeout(Duration d) {
            timeouts = new Timeouts(timeouts.head(), timeouts.connect(), timeouts.handshake(), timeouts.idle(),
                    positive("timeouts.write", d));
            return this;
        }

        public Builder heartbeat(HeartbeatConfig.Mode mode, HeartbeatConfig.Leg client, HeartbeatConfig.Leg backend) {
            positive("heartbeat.client.interval", client.interval());
            positive("heartbeat.client.timeout", client.timeout());
            positive("heartbeat.backend.interval", backend.interval());
            positive("heartbeat.backend.timeout", backend.timeout());
            this.heartbeat = new HeartbeatConfig(mode, client, backend);
            return this;
        }

        /** {@code leg} is "client" or "backend", for the messages. */
        public Builder tcp(String leg, TcpOptions options) {
            String key = "tcp." + leg;
            if (options.keepalive() != null) {
                TcpOptions.Keepalive k = options.keepalive();
                seconds(key + ".keepalive.idle", k.idle());
                seconds(key + ".keepalive.interval", k.interval());
                count(key + ".keepalive.count", k.count(), 1, 127);
            }
            if (options.setsUserTimeout()) {
                positive(key + ".user-timeout", options.userTimeout());
            }
            switch (leg) {
                case "client" -> tcpClient = options;
                case "backend" -> tcpBackend = options;
                default -> throw new IllegalArgumentException("a leg is client or backend, not " + leg);
            }
            return this;
        }

        /**
         * Who picks the source address and port of upstream connections. A pool's keys must all be
         * there and make sense; kernel mode takes none of them, since it would ignore them.
         */
        public Builder upstreamSource(UpstreamSource source) {
            if (!source.pooled()) {
                if (!source.addresses().isEmpty()) {
                    throw onlyInPool("upstream.addresses");
                }
                if (source.ports() != null) {
                    throw onlyInPool("upstream.ports");
                }
                this.upstream = source;
                return this;
            }
            if (source.addresses().isEmpty()) {
                throw new ConfigException("upstream.addresses", "source: pool needs the source addresses to bind, "
                        + "e.g. addresses: 127.0.0.2-127.0.0.5");
            }
            Set<InetAddress> seen = new HashSet<>();
            for (InetAddress a : source.addresses()) {
                if (!seen.add(a)) {
                    throw ConfigException.invalid("upstream.addresses", a.getHostAddress(), "each source address once");
                }
            }
            if (source.ports() == null) {
                throw new ConfigException("upstream.ports", "source: pool needs the source ports to bind, "
                        + "e.g. ports: 40000-40999");
            }
            if (source.ports().low() < PortRange.LOWEST) {
                throw ConfigException.invalid("upstream.ports", source.ports(), PortRange.FORM);
            }
            long slots = (long) source.addresses().size() * source.ports().count();
            if (slots > MAX_SLOTS) {
                throw new ConfigException("upstream", String.format(Locale.ROOT,
                        "%,d source addresses x %,d ports = %,d pairs per backend is more than a process can hold "
                                + "sockets for (at most %,d, the Linux default of fs.nr_open); use fewer addresses or ports",
                        source.addresses().size(), source.ports().count(), slots, MAX_SLOTS));
            }
            positive("upstream.set-aside", source.setAside());
            this.upstream = source;
            return this;
        }

        private static ConfigException onlyInPool(String key) {
            return new ConfigException(key, "only used with source: pool; remove it, or set upstream.source: pool");
        }

        /** Event-loop threads of the nio and netty implementations; 0 means one per available core. */
        public Builder eventLoops(long n) {
            this.eventLoops = (int) count("event-loops", n, 0, 256);
            return this;
        }

        /** {@code drain.timeout} and {@code drain.spread}; the spread may be zero, and must be shorter than the timeout. */
        public Builder drain(Duration timeout, Duration spread) {
            positive("drain.timeout", timeout);
            if (spread.isNegative() || spread.compareTo(timeout) >= 0) {
                throw ConfigException.invalid("drain.spread", ConfigValues.describe(spread),
                        "a duration from 0s to less than drain.timeout (" + ConfigValues.describe(timeout) + ")");
            }
            this.drain = new DrainConfig(timeout, spread);
            return this;
        }

        /** Whether a reload drains the tunnels of the backends it removes, after {@code drain.timeout}. */
        public Builder reloadDrainRemoved(boolean drainRemoved) {
            this.reloadDrainRemoved = drainRemoved;
            return this;
        }

        /** {@link Duration#ZERO} means tunnels live as long as their endpoints want. */
        public Builder tunnelMaxLifetime(Duration d) {
            this.tunnelMaxLifetime = d.isZero() ? d : positive("tunnel.max-lifetime", d);
            return this;
        }

        public Builder health(HealthConfig h) {
            if (!h.downFor().isZero()) {
                positive("health.passive.down-for", h.downFor());
            }
            HealthConfig.Active a = h.active();
            if (a.enabled()) {
                positive("health.active.interval", a.interval());
                positive("health.active.timeout", a.timeout());
                count("health.active.rise", a.rise(), 1, 100);
                count("health.active.fall", a.fall(), 1, 100);
                if (!a.path().startsWith("/") || a.path().chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
                    throw ConfigException.invalid("health.active.path", a.path(), "a request target starting with '/', visible ASCII");
                }
            }
            this.health = h;
            return this;
        }

        public GatewayConfig build() {
            if (routes.isEmpty()) {
                throw new ConfigException("routes", "at least one route is needed, e.g. "
                        + "routes: [{path: /, backends: [127.0.0.1:9001]}]");
            }
            Set<String> paths = new HashSet<>();
            for (int i = 0; i < routes.size(); i++) {
                if (!paths.add(routes.get(i).path())) {
                    throw ConfigException.invalid("routes[" + i + "].path", routes.get(i).path(),
                            "a prefix no earlier route has; each prefix may appear once");
                }
            }
            if (upstream.pooled()) {
                everyBackendHasASource();
            }
            return new GatewayConfig(implementation, listen, listenTls, new HeadLimits(headBytes, headFields), timeouts,
                    tunnelBuffer, routes, admin, adminAllow, blockingThreads, eventLoops, heartbeat, tcpClient, tcpBackend,
                    upstream, drain, health, reloadDrainRemoved, tunnelMaxLifetime);
        }

        /** An IPv6 backend cannot be reached from an IPv4 source, nor the other way round. */
        private void everyBackendHasASource() {
            for (int i = 0; i < routes.size(); i++) {
                List<Endpoint> backends = routes.get(i).backends();
                for (int j = 0; j < backends.size(); j++) {
                    InetAddress backend = backends.get(j).address().getAddress();
                    if (upstream.addressesFor(backend).isEmpty()) {
                        String family = backend instanceof Inet6Address ? "IPv6" : "IPv4";
                        throw new ConfigException("upstream.addresses", "no " + family + " source address for backend "
                                + backends.get(j) + " (routes[" + i + "].backends[" + j + "]); add one, or use source: kernel");
                    }
                }
            }
        }

        private static long size(String key, long bytes, long min, long max) {
            if (bytes < min || bytes > max) {
                throw ConfigException.invalid(key, ConfigValues.describeBytes(bytes),
                        "a size from " + ConfigValues.describeBytes(min) + " to " + ConfigValues.describeBytes(max));
            }
            return bytes;
        }

        private static long count(String key, long n, long min, long max) {
            if (n < min || n > max) {
                throw ConfigException.invalid(key, n, "a number from " + min + " to " + max);
            }
            return n;
        }

        /** The kernel counts keepalive times in whole seconds, from 1 to 32767. */
        private static void seconds(String key, Duration d) {
            if (d.toMillis() % 1000 != 0 || d.toSeconds() < 1 || d.toSeconds() > 32767) {
                throw ConfigException.invalid(key, ConfigValues.describe(d), "whole seconds from 1s to 32767s");
            }
        }

        private static Duration positive(String key, Duration d) {
            if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofDays(7)) > 0) {
                // describe() calls zero "off", which is what an idle timeout means by it, not these
                throw ConfigException.invalid(key, d.isZero() ? "0s" : ConfigValues.describe(d),
                        "a duration from 1ms to 7d");
            }
            return d;
        }
    }
}
