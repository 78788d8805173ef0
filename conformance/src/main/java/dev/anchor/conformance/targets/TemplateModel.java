package dev.anchor.conformance.targets;

import dev.anchor.core.config.AddressRange;
import dev.anchor.core.config.Endpoint;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.config.HealthConfig;
import dev.anchor.core.config.HeartbeatConfig;
import dev.anchor.core.config.ListenTls;
import dev.anchor.core.config.RouteConfig;
import dev.anchor.core.config.ServerCertificate;
import dev.anchor.core.config.TcpOptions;
import dev.anchor.core.route.BalancerKind;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One fixture's settings as the names a target's templates use: a map of plain values (numbers,
 * strings, booleans, lists), so a logic-less Mustache template can write any gateway's native
 * configuration. docs/conformance lists every name. Durations come in milliseconds ({@code Ms}) and
 * whole seconds rounded up ({@code S}), since gateways differ in the units they take.
 */
public final class TemplateModel {
    private TemplateModel() {
    }

    /** {@code dir}: the fresh folder the rendered files go to, where a gateway may also write. */
    public static Map<String, Object> of(GatewayConfig config, Path dir, Map<String, Object> extra) {
        Map<String, Object> m = new LinkedHashMap<>(extra);
        m.put("dir", dir.toString());
        m.put("implementation", config.implementation());
        m.put("listen", Map.of("host", config.listen().getAddress().getHostAddress(), "port", config.listen().getPort(),
                "address", Endpoint.of(config.listen()).text(), "tls", tls(config.listenTls())));
        m.put("eventLoops", config.eventLoopThreads());
        m.put("eventLoopsSetting", config.eventLoops());
        m.put("blockingThreads", config.blockingThreads().configName());
        m.put("headBytes", config.head().maxBytes());
        m.put("headFields", config.head().maxFields());
        Map<String, Object> t = new LinkedHashMap<>();
        duration(t, "head", config.timeouts().head());
        duration(t, "connect", config.timeouts().connect());
        duration(t, "handshake", config.timeouts().handshake());
        duration(t, "idle", config.timeouts().idle());
        t.put("idleEnabled", config.timeouts().idleEnabled());
        duration(t, "write", config.timeouts().write());
        m.put("timeouts", t);
        m.put("tunnelBuffer", config.tunnelBuffer());
        m.put("routes", routes(config.routes()));
        m.put("hasRootRoute", config.routes().stream().anyMatch(r -> r.path().equals("/")));
        m.put("heartbeat", heartbeat(config.heartbeat()));
        m.put("tcp", Map.of("client", tcp(config.tcpClient()), "backend", tcp(config.tcpBackend())));
        Map<String, Object> upstream = new LinkedHashMap<>();
        upstream.put("pool", config.upstream().pooled());
        upstream.put("source", config.upstream().mode().configName());
        upstream.put("addresses", config.upstream().addresses().stream().map(InetAddress::getHostAddress).toList());
        if (config.upstream().ports() != null) {
            upstream.put("portsLow", config.upstream().ports().low());
            upstream.put("portsHigh", config.upstream().ports().high());
        }
        duration(upstream, "setAside", config.upstream().setAside());
        m.put("upstream", upstream);
        m.put("admin", Map.of("enabled", config.admin(),
                "allow", config.adminAllow().stream().map(TemplateModel::cidr).toList()));
        Map<String, Object> drain = new LinkedHashMap<>();
        duration(drain, "timeout", config.drain().timeout());
        duration(drain, "spread", config.drain().spread());
        m.put("drain", drain);
        m.put("reload", Map.of("drainRemoved", config.reloadDrainRemoved()));
        m.put("lifetimeSet", config.limitsLifetime());
        duration(m, "maxLifetime", config.tunnelMaxLifetime());
        m.put("health", health(config.health()));
        return m;
    }

    /** {@code enabled}, and the certificates in order (the first for clients naming none): {@code index}, then {@code certificate} and {@code key} files, or {@code keystore} and {@code password}. */
    private static Map<String, Object> tls(ListenTls tls) {
        List<Map<String, Object>> certificates = new ArrayList<>();
        int i = 0;
        for (ServerCertificate c : tls.certificates()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("index", i++);
            if (c.isKeystore()) {
                one.put("keystore", c.keystore().toAbsolutePath().toString());
            } else {
                one.put("certificate", c.chain().toAbsolutePath().toString());
                one.put("key", c.privateKey().toAbsolutePath().toString());
            }
            if (c.password() != null) {
                one.put("password", c.password());
            }
            certificates.add(one);
        }
        return Map.of("enabled", tls.enabled(), "certificates", certificates);
    }

    private static Map<String, Object> health(HealthConfig h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("passive", h.passive());
        duration(m, "downFor", h.downFor());
        HealthConfig.Active a = h.active();
        m.put("active", a.enabled());
        m.put("probe", a.probe().configName());
        m.put("tcpProbe", a.probe() == HealthConfig.Probe.TCP);
        m.put("upgradeProbe", a.probe() == HealthConfig.Probe.UPGRADE);
        m.put("path", a.path());
        duration(m, "interval", a.interval());
        duration(m, "timeout", a.timeout());
        m.put("rise", a.rise());
        m.put("fall", a.fall());
        m.put("closeTunnelsOnDown", h.closeTunnelsOnDown());
        return m;
    }

    /** Longest path first, so a gateway that tries its routes in order picks the longest prefix, as Anchor does. */
    private static List<Map<String, Object>> routes(List<RouteConfig> routes) {
        List<Map<String, Object>> out = new ArrayList<>();
        int index = 0;
        for (RouteConfig r : routes) {
            Map<String, Object> route = new LinkedHashMap<>();
            route.put("index", index++);
            route.put("path", r.path());
            route.put("root", r.path().equals("/"));
            route.put("balance", r.balance().configName());
            route.put("roundRobin", r.balance() == BalancerKind.ROUND_ROBIN);
            route.put("leastTunnels", r.balance() == BalancerKind.LEAST_TUNNELS);
            route.put("clientHash", r.balance() == BalancerKind.CLIENT_HASH);
            List<Map<String, Object>> backends = new ArrayList<>();
            int b = 0;
            for (Endpoint e : r.backends()) {
                backends.add(Map.of("index", b++, "host", e.address().getAddress().getHostAddress(),
                        "port", e.address().getPort(), "address", e.text()));
            }
            route.put("backends", backends);
            out.add(route);
        }
        out.sort(Comparator.comparingInt((Map<String, Object> r) -> ((String) r.get("path")).length()).reversed());
        return out;
    }

    private static Map<String, Object> heartbeat(HeartbeatConfig hb) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", hb.mode().name().toLowerCase(java.util.Locale.ROOT));
        m.put("ping", hb.pings());
        for (String leg : List.of("client", "backend")) {
            HeartbeatConfig.Leg l = leg.equals("client") ? hb.client() : hb.backend();
            Map<String, Object> lm = new LinkedHashMap<>();
            duration(lm, "interval", l.interval());
            duration(lm, "timeout", l.timeout());
            m.put(leg, lm);
        }
        return m;
    }

    private static Map<String, Object> tcp(TcpOptions o) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("keepalive", o.keepalive() != null);
        if (o.keepalive() != null) {
            duration(m, "keepaliveIdle", o.keepalive().idle());
            duration(m, "keepaliveInterval", o.keepalive().interval());
            m.put("keepaliveCount", o.keepalive().count());
        }
        m.put("userTimeoutSet", o.setsUserTimeout());
        duration(m, "userTimeout", o.userTimeout());
        return m;
    }

    private static void duration(Map<String, Object> m, String name, Duration d) {
        m.put(name + "Ms", d.toMillis());
        m.put(name + "S", (d.toMillis() + 999) / 1000);
    }

    private static String cidr(AddressRange r) {
        return r.network().getHostAddress() + "/" + r.prefixLength();
    }
}
