package dev.anchor.conformance.targets;

import dev.anchor.conformance.Capability;
import dev.anchor.core.config.ConfigException;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.gateway.GatewayProvider;
import dev.anchor.core.gateway.GatewayStatus;
import java.io.IOException;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/** One of Anchor's implementations, started in the suite's JVM: it has every capability and meets every rule. */
public record InProcessTarget(String name, GatewayProvider provider) implements Target {

    @Override
    public String implementation() {
        return provider.name();
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.allOf(Capability.class);
    }

    @Override
    public boolean graded() {
        return false;
    }

    @Override
    public Expectations expectations() {
        return Expectations.NONE;
    }

    @Override
    public Optional<String> unavailable() {
        return Optional.empty();
    }

    @Override
    public Optional<GatewayProvider> javaProvider() {
        return Optional.of(provider);
    }

    @Override
    public Gateway start(GatewayConfig config) throws IOException {
        try {
            return provider.start(config);
        } catch (ConfigException refused) {
            throw new StartRefused(refused.getMessage(), refused);
        }
    }

    @Override
    public Optional<String> held(Gateway gateway) {
        return held(gateway.status());
    }

    /** Its own accounting: connections of either leg and tunnels. */
    public static Optional<String> held(GatewayStatus s) {
        boolean idle = s.clientConnections() == 0 && s.upstreamConnections() == 0 && s.tunnels() == 0;
        return idle ? Optional.empty() : Optional.of(s.clientConnections() + " client connections, "
                + s.upstreamConnections() + " upstream connections, " + s.tunnels() + " tunnels");
    }
}
