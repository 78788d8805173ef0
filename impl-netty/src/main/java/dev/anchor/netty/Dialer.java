package dev.anchor.netty;

import dev.anchor.core.capacity.SlotLease;
import dev.anchor.core.gateway.ConnectFailure;
import dev.anchor.core.gateway.ConnectionRegistry;
import dev.anchor.core.gateway.DialPlan;
import dev.anchor.core.route.Backend;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Connects to the first of a list of backends that accepts within the connect timeout, trying the
 * next after each refusal or timeout. The backend channel is made on the client channel's own
 * event loop, so the pair shares one thread for its whole life.
 */
final class Dialer {
    private final GatewayContext gateway;
    private final ConnectionRegistry registry;
    private final Channel client;
    private final Function<Backend, ChannelHandler> answering;
    private final Consumer<Channel> dialing;
    private final Consumer<List<ConnectFailure>> allFailed;
    /** Why each candidate tried so far failed. Event loop only. */
    private final DialPlan plan;
    private Dialer(GatewayContext gateway, Channel client, List<Backend> candidates,
                   Function<Backend, ChannelHandler> answering, Consumer<Channel> dialing,
                   Consumer<List<ConnectFailure>> allFailed) {
        this.gateway = gateway;
        this.registry = gateway.registry();
        this.client = client;
        this.answering = answering;
        this.dialing = dialing;
        this.allFailed = allFailed;
        this.plan = new DialPlan(registry, candidates);
    }

    /**
     * @param answering the handler that takes over a backend connection once it is up
     * @param dialing   told of each backend channel as its connect begins, to close it if the client leaves
     * @param allFailed told the reason of each failure if no candidate accepted
     */
    static void dial(GatewayContext gateway, Channel client, List<Backend> candidates,
                     Function<Backend, ChannelHandler> answering, Consumer<Channel> dialing,
                     Consumer<List<ConnectFailure>> allFailed) {
        new Dialer(gateway, client, candidates, answering, dialing, allFailed).attempt();
    }

    // tag::dial[]
    private void attempt() {
        DialPlan.Attempt a = plan.next();
        if (a == null) {
            allFailed.accept(plan.failures());
            return;
        }
        Backend backend = a.backend();
        SlotLease lease = a.lease();
        Optional<InetSocketAddress> source = lease.bindAddress();
        ChannelFuture connect = new Bootstrap()
                .group(client.eventLoop()) // one thread for both legs: no locks between them
                .channel(gateway.transport().socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, gateway.config().timeouts().connect().toMillis()))
                // in pool mode the pair serves other backends at the same time; only the 4-tuple must be unique
                .option(ChannelOption.SO_REUSEADDR, source.isPresent())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        gateway.configure(ch, gateway.backendOptions());
                        ch.pipeline().addLast(answering.apply(backend));
                    }
                })
                .connect(backend.address(), source.orElse(null)); // bind the slot first, if there is one
        Channel upstream = connect.channel();
        gateway.channels().add(upstream);
        dialing.accept(upstream);
        // The lease ends through the connect's outcome, never through a close racing it: a slot the
        // kernel refused must be set aside before anything could hand it back. The close listener
        // lives as long as the channel, so it captures the registry, not this dialer (and through
        // it the whole handshake).
        connect.addListener((ChannelFutureListener) f -> {
            if (!client.eventLoop().inEventLoop()) {
                // a channel that could not even be made (no descriptor left) fails on another thread
                try {
                    client.eventLoop().execute(() -> outcome(f, a, upstream));
                } catch (RejectedExecutionException stopped) {
                    registry.upstreamClosed(backend, lease); // the gateway stopped: no outcome will run
                }
            } else {
                outcome(f, a, upstream);
            }
        });
    }

    private void outcome(ChannelFuture connect, DialPlan.Attempt a, Channel upstream) {
        ConnectionRegistry accounts = registry;
        Backend backend = a.backend();
        SlotLease lease = a.lease();
        if (connect.isSuccess()) {
            upstream.closeFuture().addListener((ChannelFutureListener) closed -> accounts.upstreamClosed(backend, lease));
            return; // the answering handler takes it from here, in channelActive
        }
        plan.failed(a, connect.cause());
        upstream.close();
        accounts.upstreamClosed(backend, lease);
        if (client.isActive() && !gateway.stopping()) {
            attempt();
        } else {
            client.close();
        }
    }
    // end::dial[]
}
