package dev.anchor.core.capacity;

import java.net.InetSocketAddress;
import java.util.Optional;

/** Pool mode: leases on the pairs of one backend's own {@link SourcePortPool}. */
final class PooledSlots implements UpstreamSlots, SlotLease.Owner {
    private final String name;
    private final InetSocketAddress endpoint;
    private final SourcePortPool pool;

    PooledSlots(String name, InetSocketAddress endpoint, SourcePortPool pool) {
        this.name = name;
        this.endpoint = endpoint;
        this.pool = pool;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public InetSocketAddress endpoint() {
        return endpoint;
    }

    @Override
    public Optional<SlotLease> acquire() {
        return pool.acquire().map(slot -> new SlotLease(this, endpoint, slot));
    }

    @Override
    public SlotCounts counts() {
        return pool.counts();
    }

    @Override
    public String formula() {
        return pool.formula();
    }

    @Override
    public boolean binds() {
        return true;
    }

    SourcePortPool pool() {
        return pool;
    }

    @Override
    public void release(SourceSlot slot) {
        pool.release(slot);
    }

    @Override
    public void refused(SourceSlot slot) {
        pool.setAside(slot);
    }

    @Override
    public String toString() {
        return name + ": " + formula();
    }
}
