package dev.anchor.core.gateway;

import dev.anchor.core.capacity.SlotLease;
import dev.anchor.core.route.Backend;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The gateway's own count of what it holds open: client connections, upstream connections and
 * tunnels. Each implementation reports every open and close here exactly once, so a count that
 * does not return to zero after the connections are gone is a leak, and a test can see it.
 */
public final class ConnectionRegistry {
    private final GatewayMetrics metrics;
    private final AtomicInteger clients = new AtomicInteger();
    private final AtomicInteger upstreams = new AtomicInteger();
    private final Map<Long, TunnelStats> tunnels = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
    /** What the gateway's lifecycle does with a new tunnel: a lifetime, or a drain under way. */
    private volatile Consumer<TunnelStats> onOpened = t -> { };
    /** How long a failed connect marks its backend down ({@code health.passive.down-for}). */
    private volatile Duration passiveDownFor = Duration.ZERO;

    ConnectionRegistry(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    public void clientOpened() {
        clients.incrementAndGet();
        metrics.accepted();
    }

    public void clientClosed() {
        clients.decrementAndGet();
    }

    // tag::upstream-lease[]
    /**
     * A connect to {@code backend} may begin: a lease on a source slot toward it, or empty when its
     * slots are all taken (then no socket is made and nothing is counted open). Pair each lease with
     * {@link #upstreamClosed(Backend, SlotLease)}.
     */
    public Optional<SlotLease> upstreamOpening(Backend backend) {
        Optional<SlotLease> lease = backend.slots().acquire();
        if (lease.isPresent()) {
            upstreams.incrementAndGet();
            backend.connecting();
        }
        return lease;
    }

    /** The upstream connection is gone, however it ended: its slot goes back, unless the kernel refused it. */
    public void upstreamClosed(Backend backend, SlotLease lease) {
        lease.release();
        upstreams.decrementAndGet();
        backend.disconnected();
    }
    // end::upstream-lease[]

    /**
     * A connect toward {@code backend} failed. A failure of the backend (refused, timed out,
     * unreachable) marks it down for a while; a shortage of source ports is the gateway's own, and
     * says nothing about the backend.
     */
    public void connectFailed(Backend backend, ConnectFailure cause) {
        metrics.connectFailed(backend, cause);
        if (!cause.isCapacity() && cause != ConnectFailure.OTHER) {
            backend.health().failedForClient(passiveDownFor, "connect " + cause.label());
        }
    }

    /** The backend took the connection but did not answer the handshake in time: it is down for a while too. */
    public void handshakeTimedOut(Backend backend) {
        backend.health().failedForClient(passiveDownFor, "handshake timed out");
    }

    void lifecycle(Consumer<TunnelStats> onOpened, Duration passiveDownFor) {
        this.onOpened = onOpened;
        this.passiveDownFor = passiveDownFor;
    }

    public TunnelStats tunnelOpened(InetSocketAddress client, Backend backend) {
        long id = ids.incrementAndGet();
        TunnelStats t = new TunnelStats(id, client, backend, Instant.now(),
                new Flow(metrics.bytesCounter(Direction.UPSTREAM)),
                new Flow(metrics.bytesCounter(Direction.DOWNSTREAM)),
                opened -> onOpened.accept(opened));
        tunnels.put(id, t);
        return t;
    }

    /** Idempotent: only the first close of a tunnel is counted. */
    public void tunnelClosed(TunnelStats tunnel, CloseReason reason) {
        if (tunnels.remove(tunnel.id()) != null) {
            tunnel.closed();
            metrics.tunnelClosed(reason);
        }
    }

    /** As {@link #tunnelClosed(TunnelStats, CloseReason)}, for a tunnel ended because {@code dead} died. */
    public void tunnelClosed(TunnelStats tunnel, CloseReason reason, Side dead) {
        if (tunnels.remove(tunnel.id()) != null) {
            tunnel.closed();
            metrics.tunnelClosed(reason);
            if (reason.isDeath()) {
                metrics.peerDied(dead, reason);
            }
        }
    }

    public int clientConnections() {
        return clients.get();
    }

    public int upstreamConnections() {
        return upstreams.get();
    }

    public int tunnelCount() {
        return tunnels.size();
    }

    public Collection<TunnelStats> tunnels() {
        return tunnels.values();
    }
}
