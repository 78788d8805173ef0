package dev.anchor.blocking;

import dev.anchor.core.config.TcpOptions;
import dev.anchor.core.gateway.ConnectFailure;
import dev.anchor.core.gateway.ConnectionRegistry;
import dev.anchor.core.route.Backend;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/** Connects to the first backend of a candidate list that accepts within the connect timeout. */
final class Dialer {
    private final ConnectionRegistry registry;
    private final int timeoutMillis;
    private final TcpOptions options;

    Dialer(ConnectionRegistry registry, Duration timeout, TcpOptions options) {
        this.registry = registry;
        this.timeoutMillis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        this.options = options;
    }

    /** The leg to the backend that accepted, or none and the reason each candidate failed. */
    record Dialed(Leg leg, Backend backend, List<ConnectFailure> failures) {
    }

    /**
     * Tries each candidate in turn. {@code connecting} is told of each socket before its connect
     * blocks, so that whoever stops the gateway can close it and end the wait; {@code stopping}
     * says not to try another.
     */
    Dialed dial(List<Backend> candidates, Consumer<Socket> connecting, BooleanSupplier stopping) {
        List<ConnectFailure> failures = new ArrayList<>(candidates.size());
        for (Backend backend : candidates) {
            if (stopping.getAsBoolean()) {
                break;
            }
            registry.upstreamOpening(backend);
            Socket socket = new Socket();
            connecting.accept(socket);
            try {
                Leg.apply(socket, options);
                socket.connect(backend.address(), timeoutMillis);
                return new Dialed(new Leg(socket, () -> registry.upstreamClosed(backend)), backend, failures);
            } catch (IOException e) {
                closeQuietly(socket);
                registry.upstreamClosed(backend);
                ConnectFailure failure = ConnectFailure.of(e);
                registry.connectFailed(backend, failure);
                failures.add(failure);
            }
        }
        return new Dialed(null, null, failures);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // never connected; nothing to release but the descriptor
        }
    }
}
