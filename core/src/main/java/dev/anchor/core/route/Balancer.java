package dev.anchor.core.route;

import java.net.InetSocketAddress;
import java.util.List;

/**
 * Orders a pool's backends for one new connection: the gateway tries the first, and the next ones
 * only if a connect fails before anything reached the client.
 */
public interface Balancer {
    List<Backend> order(List<Backend> pool, InetSocketAddress client);

    /** The pool rotated to start at {@code first}: the fallback order every balancer shares. */
    static List<Backend> rotated(List<Backend> pool, int first) {
        int n = pool.size();
        Backend[] order = new Backend[n];
        for (int i = 0; i < n; i++) {
            order[i] = pool.get((first + i) % n);
        }
        return List.of(order);
    }
}
