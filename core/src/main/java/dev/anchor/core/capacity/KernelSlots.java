package dev.anchor.core.capacity;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Kernel mode: the socket connects unbound and the kernel picks the source port from its ephemeral
 * range, one per 4-tuple. Nothing to hand out, but the leases are still counted, so the in-use and
 * free numbers mean what they mean in pool mode. Never refuses by itself: the kernel does, at
 * connect, with "Cannot assign requested address".
 */
final class KernelSlots implements UpstreamSlots, SlotLease.Owner {
    private final String name;
    private final InetSocketAddress endpoint;
    private final KernelPortRange range;
    private final AtomicLong inUse = new AtomicLong();
    private final AtomicLong kernelRefusals = new AtomicLong();

    KernelSlots(String name, InetSocketAddress endpoint, KernelPortRange range) {
        this.name = name;
        this.endpoint = endpoint;
        this.range = range;
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
        inUse.incrementAndGet();
        return Optional.of(new SlotLease(this, endpoint, null));
    }

    @Override
    public SlotCounts counts() {
        long used = inUse.get();
        if (!range.known()) {
            return new SlotCounts(SlotCounts.UNKNOWN, used, SlotCounts.UNKNOWN, 0, 0, kernelRefusals.get());
        }
        // Leases are counted before connect: for a moment there can be more than the range holds, until
        // the kernel refuses the surplus. Counted as full meanwhile, so the numbers still add up.
        long capacity = range.count();
        long counted = Math.min(used, capacity);
        return new SlotCounts(capacity, counted, capacity - counted, 0, 0, kernelRefusals.get());
    }

    @Override
    public String formula() {
        return range.formula();
    }

    @Override
    public boolean binds() {
        return false;
    }

    @Override
    public void release(SourceSlot slot) {
        inUse.decrementAndGet();
    }

    @Override
    public void refused(SourceSlot slot) {
        inUse.decrementAndGet();
        kernelRefusals.incrementAndGet();
    }

    @Override
    public String toString() {
        return name + ": " + formula();
    }
}
