package dev.anchor.core.gateway;

import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.lifecycle.DrainReport;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A gateway whose decisions are all its {@link GatewayRuntime}'s: its name, status, drain and
 * reload are answered there, the same for every implementation. What is left to the
 * implementation is its I/O: where it listens, and how it stops.
 */
public interface RuntimeGateway extends Gateway {

    /** The runtime this gateway was started with. */
    GatewayRuntime runtime();

    @Override
    default String implementation() {
        return runtime().implementation();
    }

    @Override
    default GatewayStatus status() {
        return runtime().status();
    }

    @Override
    default CompletableFuture<DrainReport> drain() {
        return runtime().drain();
    }

    @Override
    default CompletableFuture<DrainReport> drained() {
        return runtime().drained();
    }

    @Override
    default void reload(GatewayConfig next) {
        runtime().reload(next);
    }

    @Override
    default void reloadFrom(Supplier<GatewayConfig> source) {
        runtime().reloadFrom(source);
    }

    @Override
    default String reload() {
        return runtime().reload();
    }
}
