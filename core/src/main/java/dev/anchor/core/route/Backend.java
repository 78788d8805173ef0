package dev.anchor.core.route;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One backend endpoint (ip:port) and how many upstream connections the gateway holds to it. One
 * object per endpoint, however many routes name it, so the count is the endpoint's real load.
 */
public final class Backend {
    private final String name;
    private final InetSocketAddress address;
    private final AtomicInteger connections = new AtomicInteger();

    public Backend(String name, InetSocketAddress address) {
        this.name = Objects.requireNonNull(name, "name");
        this.address = Objects.requireNonNull(address, "address");
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("backend address is unresolved: " + address);
        }
    }

    /** The endpoint as configured, e.g. {@code 127.0.0.1:9001}; also its metrics label. */
    public String name() {
        return name;
    }

    public InetSocketAddress address() {
        return address;
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

    @Override
    public String toString() {
        return name;
    }
}
