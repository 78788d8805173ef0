package dev.anchor.core.gateway;

import dev.anchor.core.lifecycle.GoAway;
import dev.anchor.core.route.Backend;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.Future;

/** One live tunnel as the status page shows it: who, to where, since when, and its two flows. */
public final class TunnelStats {
    private final long id;
    private final InetSocketAddress client;
    private final Backend backend;
    private final Instant opened;
    private final Flow upstream;
    private final Flow downstream;
    /** The tunnel's way to be asked to go, once the implementation has made it; guarded by this. */
    private GoAway goAway;
    /** Whether the tunnel follows frames (ping mode), so a Close can be placed; guarded by this. */
    private boolean framed;
    /** Asked to go before the implementation registered its {@link GoAway}: passed on when it does. */
    private CloseReason pending;
    /** The timer of {@code tunnel.max-lifetime}, cancelled when the tunnel closes; guarded by this. */
    private Future<?> lifetime;
    private boolean closed;

    /** Told when the tunnel can be asked to go: the lifecycle's to decide whether and when. */
    private final java.util.function.Consumer<TunnelStats> ready;

    TunnelStats(long id, InetSocketAddress client, Backend backend, Instant opened, Flow upstream, Flow downstream,
                java.util.function.Consumer<TunnelStats> ready) {
        this.ready = ready;
        this.id = id;
        this.client = client;
        this.backend = backend;
        this.opened = opened;
        this.upstream = upstream;
        this.downstream = downstream;
    }

    public long id() {
        return id;
    }

    public InetSocketAddress client() {
        return client;
    }

    public Backend backend() {
        return backend;
    }

    public Instant opened() {
        return opened;
    }

    /** Client to backend. */
    public Flow upstream() {
        return upstream;
    }

    /** Backend to client. */
    public Flow downstream() {
        return downstream;
    }

    /**
     * The implementation's tunnel exists now and can be asked to go: {@code framed} when it follows
     * frames. A request that came before is passed on at once.
     */
    public void departWith(GoAway tunnel, boolean framed) {
        CloseReason asked;
        synchronized (this) {
            this.goAway = tunnel;
            this.framed = framed;
            asked = pending;
        }
        if (asked != null) {
            tunnel.goAway(asked);
        }
        ready.accept(this);
    }

    /** Asks the tunnel to go; if it is not ready to hear it yet, it hears it when it is. */
    public void goAway(CloseReason reason) {
        GoAway g;
        synchronized (this) {
            if (goAway == null) {
                if (pending == null) {
                    pending = reason;
                }
                return;
            }
            g = goAway;
        }
        g.goAway(reason);
    }

    /** Whether the tunnel follows frames; false until it says so. */
    public synchronized boolean framed() {
        return framed;
    }

    /** The timer that asks the tunnel to go at its maximum lifetime; cancelled at once if the tunnel has closed meanwhile. */
    public void lifetime(Future<?> timer) {
        synchronized (this) {
            if (!closed) {
                this.lifetime = timer;
                return;
            }
        }
        timer.cancel(false);
    }

    /** Whether the tunnel has said how to ask it to go; until then a request waits for it. */
    public synchronized boolean departable() {
        return goAway != null;
    }

    /** The tunnel has closed: its lifetime timer, if any, goes. */
    void closed() {
        Future<?> timer;
        synchronized (this) {
            closed = true;
            timer = lifetime;
            lifetime = null;
        }
        if (timer != null) {
            timer.cancel(false);
        }
    }

    public Flow flow(Direction d) {
        return d == Direction.UPSTREAM ? upstream : downstream;
    }
}
