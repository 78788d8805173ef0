package dev.anchor.core.capacity;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The upstream slots toward one backend endpoint: a {@link SourcePortPool} the gateway binds from,
 * or the kernel's ephemeral ports, counted the same way so that status and metrics read alike in
 * both modes. Thread-safe.
 */
public sealed interface UpstreamSlots permits PooledSlots, KernelSlots {
    /** The endpoint as configured, e.g. {@code 127.0.0.1:9001}; also its metrics label. */
    String name();

    InetSocketAddress endpoint();

    /**
     * A lease on a free slot, or empty when there is none (pool mode only: in kernel mode the
     * kernel itself refuses, at connect, and the lease is then {@link SlotLease#refusedByKernel()
     * refused by the kernel}).
     */
    Optional<SlotLease> acquire();

    SlotCounts counts();

    /**
     * How the capacity comes about, e.g. {@code 4 source addresses x 1,000 ports = 4,000}; in
     * kernel mode with the reason when it is unknown.
     */
    String formula();

    /** Whether leases carry an address to bind: pool mode. */
    boolean binds();

    /** The kernel's ephemeral ports toward {@code endpoint}, counted against {@code range}. */
    static UpstreamSlots kernel(String name, InetSocketAddress endpoint, KernelPortRange range) {
        return new KernelSlots(name, endpoint, range);
    }
}
