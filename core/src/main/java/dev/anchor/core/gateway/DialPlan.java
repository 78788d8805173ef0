package dev.anchor.core.gateway;

import dev.anchor.core.capacity.SlotLease;
import dev.anchor.core.route.Backend;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Which backend to connect to next, from which source slot, for one client: the balancer's
 * candidates in order, each tried only once it has a free slot. All three gateways walk it the
 * same way, synchronously or from connect callbacks:
 *
 * <pre>{@code
 * for (Attempt a = plan.next(); a != null; a = plan.next()) {
 *     // open a socket; a.bindAddress(): set SO_REUSEADDR, bind; then connect
 *     // on failure: a.failed(cause), close the socket, go on
 *     // on success: a.connected(); the socket's close calls a.closed()
 *     // given up mid-connect, with no outcome to come: a.abandoned()
 * }
 * // none left: handshakes.connectFailed(plan.failures()), a 503 when every failure was a shortage of ports
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

    /**
     * One try: a backend, and the lease on the source slot to connect from, which ends through this
     * handle and nowhere else, once, whatever order its events come in and from whichever thread.
     * The connect's outcome decides how: a failure sets a slot the kernel refused aside before it
     * ends the lease, and a success hands the end to the connection's close. A close that comes
     * before the outcome (a bind that failed at once can close the socket first, in Netty) waits
     * for it; a try that will never have one (given up mid-connect) is {@link #abandoned()}.
     */
    // tag::attempt[]
    public final class Attempt {
        private final Backend backend;
        private final SlotLease lease;
        private final AtomicReference<State> state = new AtomicReference<>(State.CONNECTING);

        private enum State { CONNECTING, CLOSED_BEFORE_OUTCOME, CONNECTED, ENDED }

        private Attempt(Backend backend, SlotLease lease) {
            this.backend = backend;
            this.lease = lease;
        }

        public Backend backend() {
            return backend;
        }

        /** Where to bind the socket before connecting (after SO_REUSEADDR); empty in kernel mode. */
        public Optional<InetSocketAddress> bindAddress() {
            return lease.bindAddress();
        }

        /** The connect succeeded: from now on the connection's close ends the lease. */
        public void connected() {
            if (!state.compareAndSet(State.CONNECTING, State.CONNECTED)
                    && state.compareAndSet(State.CLOSED_BEFORE_OUTCOME, State.ENDED)) {
                registry.upstreamClosed(backend, lease); // connected, but closed already
            }
        }

        /**
         * The bind or connect failed with {@code cause}: the failure is recorded for the plan, a slot
         * the kernel refused is set aside, and the lease ends. The next {@link #next()} tries the
         * same backend again from another slot if the kernel refused this one, while retries last.
         */
        public ConnectFailure failed(Throwable cause) {
            ConnectFailure failure = ConnectFailure.of(cause);
            if (!state.compareAndSet(State.CONNECTING, State.ENDED)
                    && !state.compareAndSet(State.CLOSED_BEFORE_OUTCOME, State.ENDED)) {
                return failure; // connected, or ended: not this failure's to end
            }
            if (failure == ConnectFailure.NO_SOURCE_PORT) {
                lease.refusedByKernel(); // before the release below, which then does nothing
            }
            registry.upstreamClosed(backend, lease);
            planFailed(this, failure);
            return failure;
        }

        /** The socket closed: the lease ends if the connect had succeeded; before an outcome, it waits for it. */
        public void closed() {
            if (!state.compareAndSet(State.CONNECTING, State.CLOSED_BEFORE_OUTCOME)
                    && state.compareAndSet(State.CONNECTED, State.ENDED)) {
                registry.upstreamClosed(backend, lease);
            }
        }

        /** The try is given up with no outcome to come (the client left mid-connect): the slot is free again. */
        public void abandoned() {
            if (state.compareAndSet(State.CONNECTING, State.ENDED)
                    || state.compareAndSet(State.CLOSED_BEFORE_OUTCOME, State.ENDED)) {
                registry.upstreamClosed(backend, lease);
            }
        }

        // end::attempt[]

        /** The lease, for tests and status; end it through this attempt. */
        public SlotLease lease() {
            return lease;
        }
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

    private void planFailed(Attempt attempt, ConnectFailure failure) {
        registry.connectFailed(attempt.backend(), failure);
        failures.add(failure);
        if (failure == ConnectFailure.NO_SOURCE_PORT && attempt.lease().slot().isPresent()
                && ++kernelRefusals < KERNEL_REFUSALS_PER_BACKEND) {
            return; // another pair toward the same backend may well be fine
        }
        moveOn();
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
