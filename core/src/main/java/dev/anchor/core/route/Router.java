package dev.anchor.core.route;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Picks the route with the longest matching prefix. */
public final class Router {
    private final List<Route> routes;
    private final List<Route> longestFirst;

    public Router(List<Route> routes) {
        this.routes = List.copyOf(routes);
        this.longestFirst = routes.stream()
                .sorted(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed())
                .toList();
    }

    public Optional<Route> route(String path) {
        for (Route r : longestFirst) {
            if (r.matches(path)) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** The routes in configuration order. */
    public List<Route> routes() {
        return routes;
    }

    /** Every distinct backend endpoint, in the order routes first name them. */
    public List<Backend> backends() {
        return routes.stream().flatMap(r -> r.pool().stream()).distinct().toList();
    }
}
