package dev.anchor.netty;

import dev.anchor.core.gateway.CloseReason;
import dev.anchor.core.gateway.ConnectionRegistry;
import dev.anchor.core.gateway.TunnelStats;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A connection pair after 101. A FIN read on one leg becomes a half-close of the other once what
 * was read before it has been written, and the reverse direction keeps flowing; a failure (RST,
 * broken pipe) on one leg aborts the other with RST; when both directions are done, both legs
 * close. Whoever ends the tunnel first decides the reason; every later call is a no-op.
 *
 * <p>Both channels are on one event loop, and so is every call here: no field needs a lock, a
 * volatile or an atomic, and no two events of one tunnel ever race.
 */
// tag::tunnel[]
final class Tunnel {
    private final Channel client;
    private final Channel backend;
    private final TunnelStats stats;
    private final ConnectionRegistry registry;
    private final GatewayContext gateway;
    private boolean clientFinished;
    private boolean backendFinished;
    private int directionsOpen = 2;
    private CloseReason ended;

    Tunnel(Channel client, Channel backend, TunnelStats stats, GatewayContext gateway) {
        this.client = client;
        this.backend = backend;
        this.stats = stats;
        this.registry = gateway.registry();
        this.gateway = gateway;
    }

    /** {@code from} sent FIN: pass it on behind the bytes already read, and close once both did. */
    void finished(Channel from) {
        if (from == client ? clientFinished : backendFinished) {
            return;
        }
        if (from == client) {
            clientFinished = true;
        } else {
            backendFinished = true;
        }
        Channel to = other(from);
        Ends.shutdownOutputOnFlush(to).addListener((ChannelFutureListener) sent -> {
            if (!sent.isSuccess()) {
                failed(to);
            } else if (--directionsOpen == 0) {
                end(CloseReason.COMPLETED);
            }
        });
    }

    /** Reading from or writing to {@code leg} failed, or it closed under us: the tunnel cannot go on. */
    void failed(Channel leg) {
        if (gateway.stopping()) {
            end(CloseReason.SHUTDOWN); // the gateway closed it
        } else {
            end(leg == client ? CloseReason.CLIENT_RESET : CloseReason.BACKEND_RESET);
        }
    }

    void end(CloseReason reason) {
        if (ended != null) {
            return;
        }
        ended = reason;
        switch (reason) {
            case CLIENT_RESET -> {
                Ends.abort(backend);
                client.close();
            }
            case BACKEND_RESET -> {
                Ends.abort(client);
                backend.close();
            }
            default -> {
                client.close();
                backend.close();
            }
        }
        registry.tunnelClosed(stats, reason);
    }
    // end::tunnel[]

    /** When a relay last read anything, in either direction. Event loop only. */
    private long lastActivity = System.nanoTime();

    /** Bytes were read, one way or the other: the tunnel is not idle. */
    void touch() {
        lastActivity = System.nanoTime();
    }

    // tag::idle[]
    /**
     * Ends the tunnel once nothing was read either way for {@code idle}. One task on the event
     * loop's scheduler, due when the tunnel would be idle if nothing moved; when it runs and
     * something did move, it goes back to sleep for what is left. Nothing sits in the data path.
     */
    void watchIdle(EventLoop loop, Duration idle) {
        long idleNanos = idle.toNanos();
        loop.schedule(() -> {
            if (ended != null) {
                return;
            }
            long quiet = System.nanoTime() - lastActivity;
            if (quiet >= idleNanos) {
                end(CloseReason.IDLE_TIMEOUT);
            } else {
                watchIdle(loop, Duration.ofNanos(idleNanos - quiet));
            }
        }, idleNanos, TimeUnit.NANOSECONDS);
    }
    // end::idle[]

    Channel other(Channel leg) {
        return leg == client ? backend : client;
    }

    boolean isEnded() {
        return ended != null;
    }
}
