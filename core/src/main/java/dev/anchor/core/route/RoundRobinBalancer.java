package dev.anchor.core.route;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

public final class RoundRobinBalancer implements Balancer {
    private final AtomicInteger next = new AtomicInteger();

    @Override
    public List<Backend> order(List<Backend> pool, InetSocketAddress client) {
        return Balancer.rotated(pool, Math.floorMod(next.getAndIncrement(), pool.size()));
    }
}
