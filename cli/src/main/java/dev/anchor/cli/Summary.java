package dev.anchor.cli;

import dev.anchor.core.capacity.Capacity;
import dev.anchor.core.capacity.UpstreamSlots;
import dev.anchor.core.config.ConfigValues;
import dev.anchor.core.config.Endpoint;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.config.HealthConfig;
import dev.anchor.core.config.HeartbeatConfig;
import dev.anchor.core.config.RouteConfig;
import dev.anchor.core.config.TcpOptions;
import dev.anchor.core.config.UpstreamSource;
import dev.anchor.core.gateway.AdminEndpoints;
import dev.anchor.core.tls.ServerTls;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Collectors;

/** What a gateway was started with, in the few lines an operator wants to see at start. */
final class Summary {
    private Summary() {
    }

    static void print(PrintWriter out, String implementation, GatewayConfig config, InetSocketAddress listening) {
        String at = listening == null ? Endpoint.of(config.listen()).text() : Endpoint.of(listening).text();
        out.printf("%s gateway %s %s%s%n", implementation, listening == null ? "would listen on" : "listening on", at,
                config.listenTls().enabled() ? " with TLS (wss://)" : "");
        if (config.listenTls().enabled()) {
            // loads every file again, as the gateway does: --check must refuse what start would refuse
            Instant now = Instant.now();
            for (ServerTls.CertificateInfo c : ServerTls.load(config.listenTls()).certificates()) {
                long days = Duration.between(now, c.notAfter()).toDays();
                out.printf("  %s: %s, names %s; valid until %s (%s)%n", c.key(), c.subject(),
                        c.names().isEmpty() ? "none" : String.join(", ", c.names()), c.notAfter(),
                        c.expiredAt(now) ? "EXPIRED: clients will refuse it" : now.isBefore(c.notBefore())
                                ? "NOT YET VALID until " + c.notBefore() : days + " days left");
            }
        }
        for (RouteConfig r : config.routes()) {
            out.printf("  %-12s -> %s (%s)%n", r.path(),
                    r.backends().stream().map(Endpoint::text).collect(Collectors.joining(", ")),
                    r.balance().configName());
        }
        var t = config.timeouts();
        out.printf("  timeouts: head %s, connect %s, handshake %s, idle %s, write %s; tunnel buffer %s per direction%n",
                ConfigValues.describe(t.head()), ConfigValues.describe(t.connect()),
                ConfigValues.describe(t.handshake()), ConfigValues.describe(t.idle()),
                ConfigValues.describe(t.write()), ConfigValues.describeBytes(config.tunnelBuffer()));
        HeartbeatConfig hb = config.heartbeat();
        if (hb.pings()) {
            out.printf("  heartbeat: ping; client every %s (answer within %s), backend every %s (answer within %s)%n",
                    ConfigValues.describe(hb.client().interval()), ConfigValues.describe(hb.client().timeout()),
                    ConfigValues.describe(hb.backend().interval()), ConfigValues.describe(hb.backend().timeout()));
        } else {
            out.printf("  heartbeat: off (the idle timeout is the only guard)%n");
        }
        out.printf("  tcp: client %s; backend %s%n", tcp(config.tcpClient()), tcp(config.tcpBackend()));
        Capacity capacity = Capacity.of(config);
        out.printf("  upstream: %s; capacity %s%n", capacity.mode() == UpstreamSource.Mode.POOL
                ? "a pool of source addresses x ports per backend" : "the kernel picks source ports", capacity.formula());
        for (UpstreamSlots s : capacity.endpoints()) {
            out.printf("    %-22s %s%n", s.name(), s.formula());
        }
        for (String note : capacity.notes()) {
            out.printf("  note: %s%n", note);
        }
        out.printf("  drain: within %s, closes spread over %s%s; health: %s%n",
                ConfigValues.describe(config.drain().timeout()), ConfigValues.describe(config.drain().spread()),
                config.limitsLifetime() ? "; tunnels live at most " + ConfigValues.describe(config.tunnelMaxLifetime()) : "",
                health(config.health()));
        if (config.admin()) {
            out.printf("  admin: / (status page, in a browser) %s; POST %s%n", String.join(" ", AdminEndpoints.PATHS),
                    String.join(" ", AdminEndpoints.ACTIONS));
        }
        out.flush();
    }

    private static String health(HealthConfig h) {
        String passive = h.passive() ? "a failed connect marks a backend down for " + ConfigValues.describe(h.downFor())
                : "no passive marks";
        HealthConfig.Active a = h.active();
        return a.enabled()
                ? passive + "; " + a.probe().configName() + " probe every " + ConfigValues.describe(a.interval())
                        + " (rise " + a.rise() + ", fall " + a.fall() + ")"
                : passive + "; no active probe";
    }

    private static String tcp(TcpOptions options) {
        TcpOptions.Keepalive k = options.keepalive();
        String keepalive = k == null ? "keepalive as the system sets it"
                : "keepalive after " + ConfigValues.describe(k.idle()) + ", every " + ConfigValues.describe(k.interval())
                        + ", " + k.count() + " probes";
        return options.setsUserTimeout() ? keepalive + ", user timeout " + ConfigValues.describe(options.userTimeout()) : keepalive;
    }
}
