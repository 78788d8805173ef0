package dev.anchor.core.gateway;

import dev.anchor.core.capacity.SlotLease;
import dev.anchor.core.route.Backend;
import java.util.ArrayList;
import java.util.List;

/**
 * Which backend to connect to next, from which source slot, for one client: the balancer's
 * candidates in order, each tried only once it has a free slot. All three gateways walk it the
 * same way, synchronously or from connect callbacks:
 *
 * <pre>{@code
 * for (Attempt a = plan.next(); a != null; a = plan.next()) {
 *     // open a socket; a.lease().bindAddress(): set SO_REUSEADDR, bind; then connect
 *     // on failure: plan.failed(a, cause), close the socket (which ends the lease), go on
 *     // on success: the tunnel's close ends the lease, through ConnectionRegistry.upstreamClosed
 * }
 * // none left: relay.connectFailed(plan.failures()), a 503 when every failure was a shortage of ports
 * }</pre>
 *
 * <p>A backend whose pool is full is passed over before any socket exists, so no SYN leaves for
 * it. A slot the kernel refuses (another process holds the pair, or a TIME_WAIT the kernel will
 * not reuse) is set aside and the same backend is tried from another slot, a few times at most:
 * after that the kernel is refusing for a reason another pair will not fix. Not thread-safe; one
 * client's dial runs on one thread at a time.
 */
// tag::dial-plan[]
public final class DialPlan {
    /** Slots the kernel may refuse on one backend before the plan moves on. */
    static final int KERNEL_REFUSALS_PER_BACKEND = 3;

    private final ConnectionRegistry registry;
    private final List<Backend> candidates;
    private final List<ConnectFailure> failures = new ArrayList<>();
    private int index;
    private int kernelRefusals;

    /** One try: a backend and the lease on the source slot to connect from. */
    public record Attempt(Backend backend, SlotLease lease) {
    }

    public DialPlan(ConnectionRegistry registry, List<Backend> candidates) {
        this.registry = registry;
        this.candidates = List.copyOf(candidates);
    }

    /**
     * The next backend with a free slot, its lease taken and counted open; null when no candidate
     * is left. A candidate without a free slot is recorded as {@link ConnectFailure#NO_CAPACITY}.
     */
    public Attempt next() {
        while (index < candidates.size()) {
            Backend backend = candidates.get(index);
            var lease = registry.upstreamOpening(backend);
            if (lease.isPresent()) {
                return new Attempt(backend, lease.get());
            }
            registry.connectFailed(backend, ConnectFailure.NO_CAPACITY);
            failures.add(ConnectFailure.NO_CAPACITY);
            moveOn();
        }
        return null;
    }

    /**
     * The attempt's bind or connect failed with {@code cause}; call before closing its socket. A
     * refused slot is set aside (so closing the socket does not hand it back) and the next
     * {@link #next()} tries the same backend again, from another slot, while the retries last.
     */
    public ConnectFailure failed(Attempt attempt, Throwable cause) {
        ConnectFailure failure = ConnectFailure.of(cause);
        registry.connectFailed(attempt.backend(), failure);
        failures.add(failure);
        if (failure == ConnectFailure.NO_SOURCE_PORT) {
            attempt.lease().refusedByKernel();
            if (attempt.lease().slot().isPresent() && ++kernelRefusals < KERNEL_REFUSALS_PER_BACKEND) {
                return failure; // another pair toward the same backend may well be fine
            }
        }
        moveOn();
        return failure;
    }

    /** Why each attempt so far failed, in order. */
    public List<ConnectFailure> failures() {
        return List.copyOf(failures);
    }

    private void moveOn() {
        index++;
        kernelRefusals = 0;
    }
}
// end::dial-plan[]
