package dev.anchor.conformance;

import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.config.TcpOptions;
import dev.anchor.core.config.Timeouts;
import dev.anchor.core.http.HeadLimits;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import dev.anchor.core.route.BalancerKind;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Which capabilities a configuration uses: every setting a rule changes from the fixture's defaults. */
final class Capabilities {
    private static final GatewayConfig DEFAULTS = GatewayConfig.builder()
            .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
            .route("/", BalancerKind.ROUND_ROBIN, List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(), 1)))
            .build();

    private Capabilities() {
    }

    static Set<Capability> usedBy(GatewayConfig c) {
        Set<Capability> used = EnumSet.noneOf(Capability.class);
        if (c.heartbeat().pings()) {
            used.add(Capability.HEARTBEAT);
        }
        // an idle timeout turned off is something any gateway can do, near enough, with a long one
        if (c.timeouts().idleEnabled() && !c.timeouts().idle().equals(Timeouts.DEFAULT.idle())) {
            used.add(Capability.IDLE_TIMEOUT);
        }
        if (!c.timeouts().write().equals(Timeouts.DEFAULT.write())) {
            used.add(Capability.WRITE_TIMEOUT);
        }
        if (!c.timeouts().head().equals(Fixture.HEAD_TIMEOUT)) {
            used.add(Capability.HEAD_TIMEOUT);
        }
        if (!c.head().equals(HeadLimits.DEFAULT)) {
            used.add(Capability.HEAD_LIMITS);
        }
        if (c.tunnelBuffer() != DEFAULTS.tunnelBuffer()) {
            used.add(Capability.TUNNEL_BUFFER);
        }
        if (!c.tcpClient().equals(TcpOptions.DEFAULT) || !c.tcpBackend().equals(TcpOptions.DEFAULT)) {
            used.add(Capability.TCP_OPTIONS);
        }
        if (c.upstream().pooled()) {
            used.add(Capability.SOURCE_POOL);
        }
        if (!c.adminAllow().equals(DEFAULTS.adminAllow())) {
            used.add(Capability.ADMIN_ALLOW);
        }
        if (!c.drain().equals(DEFAULTS.drain()) || c.limitsLifetime()) {
            used.add(Capability.DRAIN);
        }
        if (c.reloadDrainRemoved()) {
            used.add(Capability.RELOAD);
        }
        if (!c.health().equals(DEFAULTS.health())) {
            used.add(Capability.HEALTH_CHECKS);
        }
        if (c.listenTls().enabled()) {
            used.add(Capability.TLS);
        }
        return used;
    }
}
