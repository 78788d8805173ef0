package dev.anchor.nio;

import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.ConnectFailure;
import dev.anchor.core.gateway.DialPlan;
import dev.anchor.core.gateway.GatewayRuntime;
import dev.anchor.core.gateway.SocketFamily;
import dev.anchor.core.route.Backend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Optional;

/**
 * Connects to the first of a list of backends that accepts within the connect timeout, from a
 * source slot of the gateway's pool (or the kernel's), without ever blocking the loop: each try is
 * a non-blocking connect, and its deadline a timer on the loop. It handles the connecting leg's
 * events until it has an answer, then hands the leg over with {@link Outcome#dialed}.
 *
 * <p>Owned by its event loop's thread.
 */
// tag::dial[]
final class Dialer implements LegHandler {
    /** How the dial ended: a connected leg, or every candidate's failure. */
    interface Outcome {
        void dialed(Leg upstream, Backend backend);

        void failed(List<ConnectFailure> failures);
    }

    private final EventLoop loop;
    private final GatewayConfig config;
    private final DialPlan plan;
    private final Outcome outcome;
    private DialPlan.Attempt attempt;
    private Leg connecting;
    private Timekeeper.Timer deadline;

    Dialer(EventLoop loop, GatewayRuntime runtime, List<Backend> candidates, Outcome outcome) {
        this.loop = loop;
        this.config = runtime.config();
        this.plan = new DialPlan(runtime.connections(), candidates);
        this.outcome = outcome;
    }

    /** Starts a connect to the next candidate with a free source slot, or reports that none is left. */
    void next() {
        attempt = plan.next();
        if (attempt == null) {
            outcome.failed(plan.failures());
            return;
        }
        DialPlan.Attempt a = attempt;
        SocketChannel channel;
        try {
            channel = SocketChannel.open(SocketFamily.toReach(a.backend().address()));
        } catch (IOException e) { // no descriptor left, say
            a.failed(e);
            next();
            return;
        }
        Leg leg = new Leg(loop, channel, this, a::closed);
        connecting = leg;
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            SocketOptions.apply(channel, config.tcpBackend());
            Optional<InetSocketAddress> source = a.bindAddress();
            if (source.isPresent()) {
                // the pair serves other backends at the same time; only the 4-tuple must be unique
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                channel.bind(source.get());
            }
            boolean now = channel.connect(a.backend().address());
            leg.register(!now);
            if (now) {
                connected(leg, null);
            } else {
                deadline = loop.schedule(config.timeouts().connect().toNanos(),
                        () -> connected(leg, new SocketTimeoutException("connect timed out")));
            }
        } catch (IOException e) { // an option, the bind or the connect refused at once
            connected(leg, e);
        } catch (RuntimeException e) { // an option this platform refuses
            connected(leg, new IOException(e));
        }
    }

    /** The connect finished, one way or the other: hand the leg over, or try the next candidate. */
    @Override
    public void connected(Leg leg, IOException failure) {
        if (leg != connecting) {
            return; // a late event of a try already over
        }
        connecting = null;
        if (deadline != null) {
            deadline.cancel();
        }
        if (failure != null) {
            attempt.failed(failure); // a slot the kernel refused is set aside, whatever the close does
            leg.close();
            next();
            return;
        }
        attempt.connected();
        outcome.dialed(leg, attempt.backend());
    }
    // end::dial[]

    /** The handshake is over before the dial (the client left, or the gateway stops): abandon the try. */
    void stop() {
        if (deadline != null) {
            deadline.cancel();
        }
        if (connecting != null) {
            Leg leg = connecting;
            connecting = null;
            attempt.abandoned(); // its connect will report nothing now
            leg.close();
        }
    }

    @Override
    public void readable(Leg leg) {
        leg.reading(false); // nothing is read before the connect completes
    }

    @Override
    public void drained(Leg leg) {
        // nothing is written before the connect completes
    }

    @Override
    public void failed(Leg leg, IOException e) {
        connected(leg, e);
    }
}
