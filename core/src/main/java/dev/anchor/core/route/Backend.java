package dev.anchor.core.route;

import dev.anchor.core.capacity.KernelPortRange;
import dev.anchor.core.capacity.UpstreamSlots;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One backend endpoint (ip:port), how many upstream connections the gateway holds to it, and the
 * source slots those connections come from. One object per endpoint, however many routes name it,
 * so the count is the endpoint's real load and its slots are counted once.
 */
public final class Backend {
    private final String name;
    private final InetSocketAddress address;
    private final UpstreamSlots slots;
    private final AtomicInteger connections = new AtomicInteger();
    private final BackendHealth health = new BackendHealth(System::nanoTime);

    /** A backend whose connections take the kernel's source ports, its range not known. */
    public Backend(String name, InetSocketAddress address) {
        this(name, address, UpstreamSlots.kernel(name, address, KernelPortRange.unknown("not read")));
    }

    public Backend(String name, InetSocketAddress address, UpstreamSlots slots) {
        this.name = Objects.requireNonNull(name, "name");
        this.address = Objects.requireNonNull(address, "address");
        this.slots = Objects.requireNonNull(slots, "slots");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("backend address is unresolved: " + address);
        }
        if (!slots.endpoint().equals(address)) {
            throw new IllegalArgumentException("the slots of " + slots.endpoint() + " given to backend " + name);
        }
    }

    /** The endpoint as configured, e.g. {@code 127.0.0.1:9001}; also its metrics label. */
    public String name() {
        return name;
    }

    public InetSocketAddress address() {
        return address;
    }

    /** The source (address, port) slots toward this endpoint: a pool's, or the kernel's ephemeral ports. */
    public UpstreamSlots slots() {
        return slots;
    }

    /** Upstream connections open or opening to this endpoint, handshakes included. */
    public int connections() {
        return connections.get();
    }

    /** Called when the gateway starts connecting; pair every call with {@link #disconnected()}. */
    public void connecting() {
        connections.incrementAndGet();
    }

    public void disconnected() {
        int left = connections.decrementAndGet();
        if (left < 0) {
            throw new IllegalStateException("more disconnects than connects on " + name);
        }
    }

    /** Whether it takes new tunnels, and the evidence. */
    public BackendHealth health() {
        return health;
    }

    @Override
    public String toString() {
        return name;
    }
}
