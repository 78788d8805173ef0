package dev.anchor.core.gateway;

import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.lifecycle.DrainReport;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** A running gateway, whichever I/O model it is built on. */
public interface Gateway extends AutoCloseable {

    /** {@code blocking}, {@code nio} or {@code netty}. */
    String implementation();

    /** The address it accepts clients on (the real port when the configuration said 0). */
    InetSocketAddress address();

    /** A snapshot of its connections and tunnels, from its own accounting. */
    GatewayStatus status();

    /**
     * Begins a graceful drain (once; SIGTERM and {@code POST /drain} do the same): no new tunnels,
     * {@code /healthz} 503, every tunnel asked to go within {@code drain.spread}. Completes with the
     * report when nothing is left or at {@code drain.timeout}; then {@link #close()} ends the rest.
     */
    CompletableFuture<DrainReport> drain();

    /**
     * Applies {@code next} to new connections, leaving live tunnels as they are.
     *
     * @throws dev.anchor.core.config.ConfigException when refused; the configuration in force stays
     */
    void reload(GatewayConfig next);

    /** Completes when a drain, however it began, is over. */
    default CompletableFuture<DrainReport> drained() {
        throw new UnsupportedOperationException(implementation() + " cannot tell when a drain is over");
    }

    /** Where SIGHUP and {@code POST /reload} read the configuration from. */
    default void reloadFrom(Supplier<GatewayConfig> source) {
        throw new UnsupportedOperationException(implementation() + " cannot reload from a source");
    }

    /**
     * Re-reads the configuration from where {@link #reloadFrom} says, and applies it as
     * {@link #reload(GatewayConfig)} does; a refusal, of the file or of a change, is counted.
     *
     * @return what changed, in a line
     */
    default String reload() {
        throw new UnsupportedOperationException(implementation() + " cannot reload from a source");
    }

    /** Stops accepting, closes every connection and returns once its threads are done. */
    @Override
    void close();
}
