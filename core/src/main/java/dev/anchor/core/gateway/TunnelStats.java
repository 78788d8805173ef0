package dev.anchor.core.gateway;

import dev.anchor.core.route.Backend;
import java.net.InetSocketAddress;
import java.time.Instant;

/** One live tunnel as the status page shows it: who, to where, since when, and its two flows. */
public final class TunnelStats {
    private final long id;
    private final InetSocketAddress client;
    private final Backend backend;
    private final Instant opened;
    private final Flow upstream;
    private final Flow downstream;

    TunnelStats(long id, InetSocketAddress client, Backend backend, Instant opened, Flow upstream, Flow downstream) {
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

    public Flow flow(Direction d) {
        return d == Direction.UPSTREAM ? upstream : downstream;
    }
}
