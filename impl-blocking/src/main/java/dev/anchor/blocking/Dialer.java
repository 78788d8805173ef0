package dev.anchor.blocking;

import dev.anchor.core.config.TcpOptions;
import dev.anchor.core.gateway.ConnectFailure;
import dev.anchor.core.gateway.ConnectionRegistry;
import dev.anchor.core.gateway.DialPlan;
import dev.anchor.core.route.Backend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Connects to the first backend of a candidate list that accepts within the connect timeout, from a
 * source slot the gateway chose (pool mode) or the kernel's (kernel mode).
 */
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
     * Tries each candidate in turn, from a source slot of its own (see {@link DialPlan}).
     * {@code connecting} is told of each socket before its connect blocks, so that whoever stops
     * the gateway can close it and end the wait; {@code stopping} says not to try another.
     */
    // tag::dial[]
    Dialed dial(List<Backend> candidates, Consumer<Socket> connecting, BooleanSupplier stopping) {
        DialPlan plan = new DialPlan(registry, candidates);
        for (DialPlan.Attempt a = plan.next(); a != null; a = plan.next()) {
            Socket socket = new Socket();
            connecting.accept(socket);
            if (stopping.getAsBoolean()) { // the stop may have looked for a socket just before this one
                closeQuietly(socket);
                a.abandoned();
                break;
            }
            try {
                SocketOptions.apply(socket, options);
                Optional<InetSocketAddress> source = a.bindAddress();
                if (source.isPresent()) {
                    // the pair serves other backends at the same time; only the 4-tuple must be unique
                    socket.setReuseAddress(true);
                    socket.bind(source.get());
                }
                socket.connect(a.backend().address(), timeoutMillis);
                Leg leg = new Leg(socket, a::closed); // throws if a stop closed the socket meanwhile: a failure
                a.connected();
                return new Dialed(leg, a.backend(), plan.failures());
            } catch (IOException | RuntimeException e) { // an option this platform refuses ends the try too
                a.failed(e); // a slot the kernel refused is set aside, whatever the close below does
                closeQuietly(socket);
            }
        }
        return new Dialed(null, null, plan.failures());
    }
    // end::dial[]

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // never connected; nothing to release but the descriptor
        }
    }
}
