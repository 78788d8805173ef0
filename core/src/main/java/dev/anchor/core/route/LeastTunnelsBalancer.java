package dev.anchor.core.route;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fewest upstream connections first. Ties rotate, so an idle pool is still spread evenly instead
 * of piling onto the first backend of the list.
 */
public final class LeastTunnelsBalancer implements Balancer {
    private final AtomicInteger rotation = new AtomicInteger();

    @Override
    public List<Backend> order(List<Backend> pool, InetSocketAddress client) {
        List<Backend> order = new ArrayList<>(
                Balancer.rotated(pool, Math.floorMod(rotation.getAndIncrement(), pool.size())));
        order.sort(Comparator.comparingInt(Backend::connections)); // stable: ties keep the rotation
        return List.copyOf(order);
    }
}
