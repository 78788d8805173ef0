package dev.anchor.core.route;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.List;

/** Starts at a backend chosen by the client's IP address, so a client keeps landing on the same one. */
public final class ClientHashBalancer implements Balancer {
    @Override
    public List<Backend> order(List<Backend> pool, InetSocketAddress client) {
        int hash = Arrays.hashCode(client.getAddress().getAddress());
        // spread the bits: neighbouring addresses differ only in their last byte
        hash ^= hash >>> 16;
        hash *= 0x45d9f3b;
        hash ^= hash >>> 16;
        return Balancer.rotated(pool, Math.floorMod(hash, pool.size()));
    }
}
