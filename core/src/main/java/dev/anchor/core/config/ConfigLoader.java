package dev.anchor.core.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.anchor.core.route.BalancerKind;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a gateway configuration from YAML. Every key is known here: an unknown one (a typo) is an
 * error, not a silent default, and every error names its key path and the value it refused.
 */
public final class ConfigLoader {
    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION) // a key given twice is a mistake, not "last wins"
            .build());

    private ConfigLoader() {
    }

    public static GatewayConfig load(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException("", "configuration file " + file + " does not exist");
        } catch (java.nio.charset.MalformedInputException e) {
            throw new ConfigException("", file + ": not UTF-8 text; save the configuration as UTF-8");
        }
        try {
            return parse(text, file.toAbsolutePath().getParent());
        } catch (ConfigException e) {
            throw e.in(file.toString());
        }
    }

    public static GatewayConfig parse(String yaml) {
        return parse(yaml, null);
    }

    /** @param base the directory relative file names (certificates) are read from; null for the working directory */
    public static GatewayConfig parse(String yaml, Path base) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JacksonException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : "line " + at.getLineNr() + ", column " + at.getColumnNr() + ": ";
            throw new ConfigException("", "not valid YAML: " + where + e.getOriginalMessage());
        } catch (IOException e) {
            throw new ConfigException("", "cannot read YAML: " + e.getMessage());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw new ConfigException("", "the configuration is empty; it needs at least 'routes'");
        }
        return read(new Node("", root), base);
    }

    // tag::config-keys[]
    private static GatewayConfig read(Node root, Path base) {
        root.only("implementation", "listen", "event-loops", "limits", "timeouts", "tunnel", "routes", "admin",
                "blocking", "heartbeat", "tcp", "upstream", "drain", "reload", "health");
        GatewayConfig.Builder b = GatewayConfig.builder();
        root.text("implementation").ifPresent(b::implementation);
        if (root.has("listen") && root.json().get("listen").isObject()) {
            Node listen = root.section("listen", "address", "tls");
            listen.text("address").ifPresent(t -> b.listen(ConfigValues.hostPort(listen.key("address"), t, 0)));
            if (listen.has("tls")) {
                b.listenTls(listenTls(listen.section("tls", "certificate", "key", "keystore", "password", "certificates"), base));
            }
        } else {
            root.text("listen").ifPresent(t -> b.listen(ConfigValues.hostPort("listen", t, 0)));
        }
        root.integer("event-loops").ifPresent(b::eventLoops);

        Node limits = root.section("limits", "head-bytes", "head-fields");
        limits.text("head-bytes").ifPresent(t -> b.headBytes(ConfigValues.bytes(limits.key("head-bytes"), t)));
        limits.integer("head-fields").ifPresent(b::headFields);

        Node timeouts = root.section("timeouts", "head", "connect", "handshake", "idle", "write");
        timeouts.text("head").ifPresent(t -> b.headTimeout(ConfigValues.duration(timeouts.key("head"), t)));
        timeouts.text("connect").ifPresent(t -> b.connectTimeout(ConfigValues.duration(timeouts.key("connect"), t)));
        timeouts.text("handshake").ifPresent(t -> b.handshakeTimeout(ConfigValues.duration(timeouts.key("handshake"), t)));
        timeouts.text("idle").ifPresent(t -> b.idleTimeout(t.equals("off") || t.equals("false")
                ? Duration.ZERO : ConfigValues.duration(timeouts.key("idle"), t)));

        timeouts.text("write").ifPresent(t -> b.writeTimeout(ConfigValues.duration(timeouts.key("write"), t)));

        Node heartbeat = root.section("heartbeat", "mode", "client", "backend");
        HeartbeatConfig.Mode mode = heartbeat.text("mode")
                .map(t -> t.equals("false") ? "off" : t) // YAML 1.1 reads a bare off as false
                .map(t -> choice(heartbeat.key("mode"), t, HeartbeatConfig.Mode.class, List.of("off", "ping")))
                .orElse(HeartbeatConfig.Mode.OFF);
        b.heartbeat(mode, heartbeatLeg(heartbeat.section("client", "interval", "timeout")),
                heartbeatLeg(heartbeat.section("backend", "interval", "timeout")));

        Node tcp = root.section("tcp", "client", "backend");
        b.tcp("client", tcpOptions(tcp.section("client", "keepalive", "user-timeout")));
        b.tcp("backend", tcpOptions(tcp.section("backend", "keepalive", "user-timeout")));

        Node tunnel = root.section("tunnel", "buffer", "max-lifetime");
        tunnel.text("buffer").ifPresent(t -> b.tunnelBuffer(ConfigValues.bytes(tunnel.key("buffer"), t)));
        tunnel.text("max-lifetime").ifPresent(t -> b.tunnelMaxLifetime(offOr(tunnel.key("max-lifetime"), t)));

        Node drain = root.section("drain", "timeout", "spread");
        b.drain(drain.text("timeout").map(t -> ConfigValues.duration(drain.key("timeout"), t)).orElse(DrainConfig.DEFAULT.timeout()),
                drain.text("spread").map(t -> offOr(drain.key("spread"), t)).orElse(DrainConfig.DEFAULT.spread()));
        Node reload = root.section("reload", "drain-removed");
        reload.bool("drain-removed").ifPresent(b::reloadDrainRemoved);
        b.health(health(root.section("health", "passive", "active", "close-tunnels-on-down")));

        Node admin = root.section("admin", "enabled", "allow");
        admin.bool("enabled").ifPresent(b::admin);
        if (admin.json().has("allow")) {
            List<AddressRange> allow = new ArrayList<>();
            for (Node range : admin.list("allow")) {
                allow.add(AddressRange.parse(range.path(), range.scalar()));
            }
            b.adminAllow(allow);
        }

        Node blocking = root.section("blocking", "threads");
        blocking.text("threads").ifPresent(t -> b.blockingThreads(
                choice(blocking.key("threads"), t, ThreadKind.class, List.of("virtual", "platform"))));

        b.upstreamSource(upstream(root.section("upstream", "source", "addresses", "ports", "set-aside")));

        List<Node> routes = root.list("routes");
        for (Node route : routes) {
            b.route(route(route));
        }
        return b.build();
    }

    /**
     * One certificate ({@code certificate} and {@code key}, or {@code keystore}) or a list of them
     * ({@code certificates}), the first being the default.
     */
    private static ListenTls listenTls(Node tls, Path base) {
        List<ServerCertificate> certificates = new ArrayList<>();
        if (tls.has("certificates")) {
            for (String single : List.of("certificate", "key", "keystore", "password")) {
                if (tls.has(single)) {
                    throw new ConfigException(tls.key(single), "give it in each entry of " + tls.key("certificates")
                            + ", or give one certificate without the list");
                }
            }
            for (Node entry : tls.list("certificates")) {
                entry.only("certificate", "key", "keystore", "password");
                certificates.add(serverCertificate(entry, base));
            }
            if (certificates.isEmpty()) {
                throw new ConfigException(tls.key("certificates"), "an empty list; give at least one certificate");
            }
        } else {
            certificates.add(serverCertificate(tls, base));
        }
        return new ListenTls(certificates);
    }

    private static ServerCertificate serverCertificate(Node c, Path base) {
        String password = c.text("password").orElse(null);
        if (c.has("keystore")) {
            for (String pem : List.of("certificate", "key")) {
                if (c.has(pem)) {
                    throw new ConfigException(c.key(pem), "a keystore holds the certificate and key itself; give "
                            + c.key("keystore") + " or " + c.key("certificate") + " and " + c.key("key") + ", not both");
                }
            }
            return ServerCertificate.pkcs12(c.path(), file(base, c.text("keystore").orElseThrow()), password);
        }
        String chain = c.text("certificate").orElseThrow(() -> new ConfigException(c.key("certificate"),
                "missing; give a PEM certificate chain (and key), or a PKCS#12 keystore"));
        String key = c.text("key").orElseThrow(() -> new ConfigException(c.key("key"),
                "missing; give the PEM private key of " + chain));
        return ServerCertificate.pem(c.path(), file(base, chain), file(base, key), password);
    }

    /** A file name as written, relative to the configuration file's directory, as nginx reads its own. */
    private static Path file(Path base, String name) {
        Path p = Path.of(name.strip());
        return base == null || p.isAbsolute() ? p : base.resolve(p);
    }

    private static HealthConfig health(Node health) {
        Node passive = health.section("passive", "down-for");
        Duration downFor = passive.text("down-for").map(t -> offOr(passive.key("down-for"), t))
                .orElse(HealthConfig.DEFAULT.downFor());
        Node active = health.section("active", "probe", "path", "interval", "timeout", "rise", "fall");
        HealthConfig.Active d = HealthConfig.Active.NONE;
        HealthConfig.Probe probe = active.text("probe")
                .map(t -> t.equals("false") ? "none" : t)
                .map(t -> choice(active.key("probe"), t, HealthConfig.Probe.class, List.of("none", "tcp", "upgrade")))
                .orElse(HealthConfig.Probe.NONE);
        HealthConfig.Active a = new HealthConfig.Active(probe,
                active.text("path").orElse(d.path()),
                active.text("interval").map(t -> ConfigValues.duration(active.key("interval"), t)).orElse(d.interval()),
                active.text("timeout").map(t -> ConfigValues.duration(active.key("timeout"), t)).orElse(d.timeout()),
                (int) (long) active.integer("rise").orElse((long) d.rise()),
                (int) (long) active.integer("fall").orElse((long) d.fall()));
        boolean close = health.bool("close-tunnels-on-down").orElse(false);
        return new HealthConfig(downFor, a, close);
    }

    /** A duration, or {@code off} (which YAML 1.1 reads as false), or 0, for zero. */
    private static Duration offOr(String key, String text) {
        String t = text.strip();
        return t.equals("off") || t.equals("false") || t.equals("0") ? Duration.ZERO : ConfigValues.duration(key, t);
    }

    private static HeartbeatConfig.Leg heartbeatLeg(Node leg) {
        HeartbeatConfig.Leg d = HeartbeatConfig.Leg.DEFAULT;
        return new HeartbeatConfig.Leg(
                leg.text("interval").map(t -> ConfigValues.duration(leg.key("interval"), t)).orElse(d.interval()),
                leg.text("timeout").map(t -> ConfigValues.duration(leg.key("timeout"), t)).orElse(d.timeout()));
    }

    private static TcpOptions tcpOptions(Node leg) {
        TcpOptions.Keepalive keepalive = null;
        if (leg.json().has("keepalive")) {
            Node k = leg.section("keepalive", "idle", "interval", "count");
            keepalive = new TcpOptions.Keepalive(
                    k.text("idle").map(t -> ConfigValues.duration(k.key("idle"), t)).orElse(Duration.ofSeconds(60)),
                    k.text("interval").map(t -> ConfigValues.duration(k.key("interval"), t)).orElse(Duration.ofSeconds(10)),
                    (int) (long) k.integer("count").orElse(3L));
        }
        Duration userTimeout = leg.text("user-timeout")
                .map(t -> ConfigValues.duration(leg.key("user-timeout"), t))
                .orElse(Duration.ZERO);
        return new TcpOptions(keepalive, userTimeout);
    }

    private static UpstreamSource upstream(Node upstream) {
        UpstreamSource.Mode mode = upstream.text("source")
                .map(t -> choice(upstream.key("source"), t, UpstreamSource.Mode.class, List.of("kernel", "pool")))
                .orElse(UpstreamSource.Mode.KERNEL);
        if (mode == UpstreamSource.Mode.KERNEL) {
            // the kernel picks both address and port, so these would be silently ignored
            for (String key : List.of("addresses", "ports", "set-aside")) {
                if (upstream.has(key)) {
                    throw new ConfigException(upstream.key(key),
                            "only used with source: pool; remove it, or set upstream.source: pool");
                }
            }
            return UpstreamSource.KERNEL;
        }
        List<InetAddress> addresses = new ArrayList<>();
        Map<InetAddress, String> from = new HashMap<>();
        List<Node> entries = upstream.has("addresses") && !upstream.json().get("addresses").isArray()
                ? List.of(new Node(upstream.key("addresses"), upstream.json().get("addresses")))
                : upstream.list("addresses");
        for (Node entry : entries) {
            String text = entry.scalar();
            for (InetAddress a : ConfigValues.sourceAddresses(entry.path(), text)) {
                String earlier = from.putIfAbsent(a, entry.path());
                if (earlier != null) {
                    throw ConfigException.invalid(entry.path(), text, "addresses no other entry has; "
                            + a.getHostAddress() + " is already in " + earlier);
                }
                addresses.add(a);
            }
        }
        PortRange ports = upstream.text("ports").map(t -> PortRange.parse(upstream.key("ports"), t)).orElse(null);
        Duration setAside = upstream.text("set-aside")
                .map(t -> ConfigValues.duration(upstream.key("set-aside"), t))
                .orElse(UpstreamSource.TIME_WAIT);
        return UpstreamSource.pool(addresses, ports, setAside);
    }

    private static RouteConfig route(Node route) {
        route.only("path", "backends", "balance");
        String path = route.text("path").orElseThrow(() -> new ConfigException(route.key("path"), "every route needs a path prefix, e.g. /chat"));
        List<Endpoint> backends = new ArrayList<>();
        for (Node backend : route.list("backends")) {
            String text = backend.scalar();
            backends.add(new Endpoint(text.strip(), ConfigValues.hostPort(backend.path, text, 1)));
        }
        BalancerKind balance = route.text("balance")
                .map(t -> choice(route.key("balance"), t, BalancerKind.class, BalancerKind.configNames()))
                .orElse(BalancerKind.ROUND_ROBIN);
        return new RouteConfig(path, backends, balance);
    }
    // end::config-keys[]

    private static <E extends Enum<E>> E choice(String key, String text, Class<E> type, List<String> names) {
        int i = names.indexOf(text.strip());
        if (i < 0) {
            throw ConfigException.invalid(key, text, "one of " + names);
        }
        return type.getEnumConstants()[i];
    }

    /** A node of the YAML tree and the key path that leads to it, for error messages. */
    private record Node(String path, JsonNode json) {
        String key(String name) {
            return path.isEmpty() ? name : path + "." + name;
        }

        void only(String... allowed) {
            if (!json.isObject()) {
                throw new ConfigException(path, "expected a mapping of keys, got " + kind(json));
            }
            List<String> known = List.of(allowed);
            for (Iterator<Map.Entry<String, JsonNode>> it = json.fields(); it.hasNext(); ) {
                String name = it.next().getKey();
                if (!known.contains(name)) {
                    throw new ConfigException(key(name), "unknown key" + suggestion(name, known)
                            + "; the keys here are " + known);
                }
            }
        }

        /** Present and not null: a key written with no value counts as absent, as everywhere. */
        boolean has(String name) {
            JsonNode child = json.get(name);
            return child != null && !child.isNull();
        }

        Node section(String name, String... allowed) {
            JsonNode child = json.get(name);
            Node node = new Node(key(name), child == null ? YAML.createObjectNode() : child);
            node.only(allowed);
            return node;
        }

        Optional<String> text(String name) {
            JsonNode child = json.get(name);
            if (child == null || child.isNull()) {
                return Optional.empty();
            }
            return Optional.of(new Node(key(name), child).scalar());
        }

        String scalar() {
            if (!json.isValueNode()) {
                throw new ConfigException(path, "expected a single value, got " + kind(json));
            }
            return json.asText();
        }

        Optional<Long> integer(String name) {
            return text(name).map(t -> {
                try {
                    return Long.parseLong(t.strip());
                } catch (NumberFormatException e) {
                    throw ConfigException.invalid(key(name), t, "a whole number");
                }
            });
        }

        Optional<Boolean> bool(String name) {
            return text(name).map(t -> switch (t.strip().toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw ConfigException.invalid(key(name), t, "true or false");
            });
        }

        List<Node> list(String name) {
            JsonNode child = json.get(name);
            if (child == null || child.isNull()) {
                return List.of();
            }
            if (!child.isArray()) {
                throw new ConfigException(key(name), "expected a list, got " + kind(child));
            }
            List<Node> items = new ArrayList<>(child.size());
            for (int i = 0; i < child.size(); i++) {
                items.add(new Node(key(name) + "[" + i + "]", child.get(i)));
            }
            return items;
        }

        private static String kind(JsonNode node) {
            if (node.isObject()) {
                return "a mapping";
            }
            return node.isArray() ? "a list" : "'" + node.asText() + "'";
        }

        private static String suggestion(String name, List<String> known) {
            String best = null;
            int bestDistance = 3;
            for (String k : known) {
                int d = distance(name, k);
                if (d < bestDistance) {
                    best = k;
                    bestDistance = d;
                }
            }
            return best == null ? "" : " (did you mean '" + best + "'?)";
        }

        private static int distance(String a, String b) {
            int[] prev = new int[b.length() + 1];
            int[] cur = new int[b.length() + 1];
            for (int j = 0; j <= b.length(); j++) {
                prev[j] = j;
            }
            for (int i = 1; i <= a.length(); i++) {
                cur[0] = i;
                for (int j = 1; j <= b.length(); j++) {
                    int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                    cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                }
                int[] t = prev;
                prev = cur;
                cur = t;
            }
            return prev[b.length()];
        }
    }
}
