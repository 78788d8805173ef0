package dev.anchor.blocking;

import dev.anchor.core.gateway.CloseReason;
import dev.anchor.core.gateway.ConnectionRegistry;
import dev.anchor.core.gateway.TunnelStats;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A connection pair after 101: two pumps, one per direction, each ending on its own. A FIN in one
 * direction becomes a half-close of the other leg and the reverse direction keeps flowing; a
 * failure (RST, broken pipe) on one leg aborts the other with RST; when both directions are done,
 * both legs close. Whoever ends the tunnel first decides the reason; everyone after is a no-op.
 */
// tag::tunnel[]
final class Tunnel {
    private final Leg client;
    private final Leg backend;
    private final TunnelStats stats;
    private final ConnectionRegistry registry;
    private final Runnable onEnd;
    private final AtomicInteger directionsOpen = new AtomicInteger(2);
    private final AtomicReference<CloseReason> ended = new AtomicReference<>();
    private volatile long lastActivity = System.nanoTime();

    Tunnel(Leg client, Leg backend, TunnelStats stats, ConnectionRegistry registry, Runnable onEnd) {
        this.client = client;
        this.backend = backend;
        this.stats = stats;
        this.registry = registry;
        this.onEnd = onEnd;
    }

    /** Runs client-to-backend on this thread and backend-to-client on one from {@code workers}. */
    void run(Workers workers, int bufferSize) {
        workers.start("downstream-" + stats.id(), new Pump(this, backend, client, stats.downstream(), bufferSize));
        new Pump(this, client, backend, stats.upstream(), bufferSize).run();
    }

    /** The pump reading from the other leg saw FIN: pass it on, and close up once both did. */
    void finished(Leg to) {
        to.shutdownOutput();
        if (directionsOpen.decrementAndGet() == 0) {
            end(CloseReason.COMPLETED);
        }
    }

    /** Reading from or writing to {@code leg} failed: the tunnel cannot go on. */
    void failed(Leg leg) {
        end(leg == client ? CloseReason.CLIENT_RESET : CloseReason.BACKEND_RESET);
    }

    void end(CloseReason reason) {
        if (!ended.compareAndSet(null, reason)) {
            return;
        }
        switch (reason) {
            case CLIENT_RESET -> {
                backend.abort();
                client.close();
            }
            case BACKEND_RESET -> {
                client.abort();
                backend.close();
            }
            default -> {
                client.close();
                backend.close();
            }
        }
        registry.tunnelClosed(stats, reason);
        onEnd.run();
    }
    // end::tunnel[]

    /** Bytes moved: the tunnel is not idle. Called by the pumps after every read. */
    void touch() {
        lastActivity = System.nanoTime();
    }

    long lastActivity() {
        return lastActivity;
    }

    TunnelStats stats() {
        return stats;
    }
}
