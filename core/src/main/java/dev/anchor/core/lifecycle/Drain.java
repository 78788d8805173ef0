package dev.anchor.core.lifecycle;

import dev.anchor.core.config.DrainConfig;
import dev.anchor.core.gateway.CloseReason;
import dev.anchor.core.gateway.ConnectionRegistry;
import dev.anchor.core.gateway.TunnelStats;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A graceful stop. Once begun, the gateway takes no new tunnel (an upgrade gets 503, and
 * {@code /healthz} says 503 so that load balancers stop sending), and asks every live tunnel to go:
 *
 * <ul>
 *   <li>a tunnel that follows frames ({@code ping} mode) at a random moment within
 *       {@code drain.spread}: a Close 1001 to both endpoints at the next frame boundary, then FIN;
 *   <li>a byte tunnel ({@code off} mode) cannot be given a Close frame, since the gateway does not
 *       know where its frames begin, and a FIN in the middle of a message is a truncation. It is
 *       left alone as long as the drain allows, in case its endpoints end it themselves, and ended
 *       with FIN within the last {@code drain.spread} before {@code drain.timeout}.
 * </ul>
 *
 * The drain is over when nothing is left open, or at {@code drain.timeout}; its report then
 * completes {@link #done()}, and whoever stops the process closes what is left.
 */
// tag::drain[]
public final class Drain {
    private static final Duration CHECK = Duration.ofMillis(20);

    private final ConnectionRegistry registry;
    private final Departures departures;
    private final CompletableFuture<DrainReport> done = new CompletableFuture<>();
    private final AtomicLong toldToGo = new AtomicLong();
    private final java.util.Set<Long> asked = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile DrainConfig config;
    private volatile long started;
    private int atStart;
    private Future<?> watching;

    public Drain(ConnectionRegistry registry, Departures departures) {
        this.registry = registry;
        this.departures = departures;
    }

    /** Begins the drain, once; later calls return the same future. */
    public synchronized CompletableFuture<DrainReport> begin(DrainConfig drain) {
        if (config != null) {
            return done;
        }
        started = System.nanoTime();
        config = drain;
        List<TunnelStats> open = List.copyOf(registry.tunnels());
        atStart = open.size();
        for (TunnelStats t : open) {
            if (t.departable()) {
                askToGo(t); // the others are asked by opened(), when they can hear it
            }
        }
        departures.at(drain.timeout(), this::deadline);
        watching = departures.every(CHECK, () -> {
            if (registry.tunnelCount() == 0 && registry.upstreamConnections() == 0 && registry.clientConnections() == 0) {
                finish(0);
            }
        });
        return done;
    }

    /** A tunnel opened during the drain (its backend answered 101 just after it began): it goes too. */
    public void opened(TunnelStats t) {
        if (config != null) {
            askToGo(t);
        }
    }

    private void askToGo(TunnelStats t) {
        if (!asked.add(t.id())) {
            return; // it became ready while the drain began, and was seen both ways
        }
        DrainConfig d = config;
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        Duration from = t.framed() ? Duration.ZERO : d.timeout().minus(d.spread()).minus(elapsed);
        departures.at(from.plus(Departures.jitter(d.spread())), () -> {
            toldToGo.incrementAndGet();
            t.goAway(CloseReason.DRAINED);
        });
    }
    // end::drain[]

    public boolean active() {
        return config != null;
    }

    /** Completed with the report once nothing is left, or at the deadline. */
    public CompletableFuture<DrainReport> done() {
        return done;
    }

    private void deadline() {
        finish(registry.tunnelCount());
    }

    private synchronized void finish(int left) {
        if (done.isDone()) {
            return;
        }
        if (watching != null) {
            watching.cancel(false);
        }
        done.complete(new DrainReport(atStart, toldToGo.get(), left, (System.nanoTime() - started) / 1_000_000));
    }
}
