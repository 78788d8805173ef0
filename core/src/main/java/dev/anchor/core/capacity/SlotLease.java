package dev.anchor.core.capacity;

import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One upstream connection's claim on a source slot toward its backend, from before the connect
 * until the connection is gone. The gateways never end one themselves: {@code DialPlan.Attempt}
 * does, on the connect's failure (a slot the kernel refused is set aside, any other freed) or on
 * the connection's close.
 *
 * <p>Ending a lease is idempotent: the first {@link #release()} or {@link #refusedByKernel()} ends
 * it and later calls do nothing. Thread-safe.
 */
public final class SlotLease {
    private final Owner owner;
    private final InetSocketAddress endpoint;
    private final SourceSlot slot;
    private final AtomicBoolean ended = new AtomicBoolean();

    /** Where a lease goes back to; the slot is null in kernel mode. */
    interface Owner {
        void release(SourceSlot slot);

        void refused(SourceSlot slot);
    }

    SlotLease(Owner owner, InetSocketAddress endpoint, SourceSlot slot) {
        this.owner = owner;
        this.endpoint = endpoint;
        this.slot = slot;
    }

    /** The backend endpoint this lease is for. */
    public InetSocketAddress endpoint() {
        return endpoint;
    }

    /**
     * The address and port to bind the upstream socket to (after setting SO_REUSEADDR, so the pair
     * can serve other backends too); empty in kernel mode, where the socket connects unbound.
     */
    public Optional<InetSocketAddress> bindAddress() {
        return slot == null ? Optional.empty() : Optional.of(slot.socketAddress());
    }

    /** The pool slot, empty in kernel mode. */
    public Optional<SourceSlot> slot() {
        return Optional.ofNullable(slot);
    }

    // tag::end-once[]
    /** Hands the slot back. Returns false, and does nothing, if the lease had already ended. */
    public boolean release() {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        owner.release(slot);
        return true;
    }

    /**
     * The kernel refused the slot at bind or connect: it rests for the set-aside time (pool mode)
     * and the refusal is counted. Ends the lease; returns false, and does nothing, if it had
     * already ended.
     */
    public boolean refusedByKernel() {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        owner.refused(slot);
        return true;
    }
    // end::end-once[]

    public boolean ended() {
        return ended.get();
    }

    @Override
    public String toString() {
        return (slot == null ? "kernel's choice" : slot.toString()) + " -> " + endpoint
                + (ended.get() ? " (ended)" : "");
    }
}
