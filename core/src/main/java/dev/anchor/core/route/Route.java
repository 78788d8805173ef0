package dev.anchor.core.route;

import java.util.List;
import java.util.Objects;

/** A path prefix and the pool of backends that serves it. */
public record Route(String prefix, List<Backend> pool, Balancer balancer) {
    public Route {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(balancer, "balancer");
        pool = List.copyOf(pool);
        if (pool.isEmpty()) {
            throw new IllegalArgumentException("route " + prefix + " has no backends");
        }
    }

    /**
     * Segment-aware prefix match: {@code /chat} matches {@code /chat} and {@code /chat/room} but not
     * {@code /chatroom}; {@code /} matches every path.
     */
    public boolean matches(String path) {
        if (!path.startsWith(prefix)) {
            return false;
        }
        return prefix.endsWith("/") || path.length() == prefix.length() || path.charAt(prefix.length()) == '/';
    }
}
