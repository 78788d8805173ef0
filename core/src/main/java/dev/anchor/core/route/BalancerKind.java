package dev.anchor.core.route;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/** The balancers a route can name in its configuration. */
public enum BalancerKind {
    /** Each new connection starts at the next backend. */
    ROUND_ROBIN,
    /** The backend holding the fewest upstream connections; long-lived tunnels make this the fair one. */
    LEAST_TUNNELS,
    /** The same client address always starts at the same backend, while the pool is unchanged. */
    CLIENT_HASH;

    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public static List<String> configNames() {
        return Arrays.stream(values()).map(BalancerKind::configName).toList();
    }

    public Balancer create() {
        return switch (this) {
            case ROUND_ROBIN -> new RoundRobinBalancer();
            case LEAST_TUNNELS -> new LeastTunnelsBalancer();
            case CLIENT_HASH -> new ClientHashBalancer();
        };
    }
}
