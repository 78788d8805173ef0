package dev.anchor.core.config;

import dev.anchor.core.route.BalancerKind;
import java.util.List;

/** A path prefix, the backend endpoints behind it, and how to choose among them. */
public record RouteConfig(String path, List<Endpoint> backends, BalancerKind balance) {
    public RouteConfig {
        backends = List.copyOf(backends);
    }
}
