package dev.anchor.netty;

import dev.anchor.core.gateway.ConnectFailure;
import dev.anchor.core.gateway.ConnectionRegistry;
import dev.anchor.core.route.Backend;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import java.util.ArrayList;
import java.util.List;
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
    private final List<Backend> candidates;
    private final Function<Backend, ChannelHandler> answering;
    private final Consumer<Channel> dialing;
    private final Consumer<List<ConnectFailure>> allFailed;
    /** Why each candidate tried so far failed. Event loop only. */
    private final List<ConnectFailure> failures = new ArrayList<>();

    private Dialer(GatewayContext gateway, Channel client, List<Backend> candidates,
                   Function<Backend, ChannelHandler> answering, Consumer<Channel> dialing,
                   Consumer<List<ConnectFailure>> allFailed) {
        this.gateway = gateway;
        this.registry = gateway.registry();
        this.client = client;
        this.candidates = candidates;
        this.answering = answering;
        this.dialing = dialing;
        this.allFailed = allFailed;
    }

    /**
     * @param answering the handler that takes over a backend connection once it is up
     * @param dialing   told of each backend channel as its connect begins, to close it if the client leaves
     * @param allFailed told the reason of each failure if no candidate accepted
     */
    static void dial(GatewayContext gateway, Channel client, List<Backend> candidates,
                     Function<Backend, ChannelHandler> answering, Consumer<Channel> dialing,
                     Consumer<List<ConnectFailure>> allFailed) {
        new Dialer(gateway, client, candidates, answering, dialing, allFailed).attempt(0);
    }

    // tag::dial[]
    private void attempt(int index) {
        Backend backend = candidates.get(index);
        registry.upstreamOpening(backend);
        ChannelFuture connect = new Bootstrap()
                .group(client.eventLoop()) // one thread for both legs: no locks between them
                .channel(gateway.transport().socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, gateway.config().timeouts().connect().toMillis()))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.config().setOptions(gateway.backendOptions());
                        ch.pipeline().addLast(answering.apply(backend));
                    }
                })
                .connect(backend.address());
        Channel upstream = connect.channel();
        // a failed connect closes the channel too, so this counts every attempt's end exactly once;
        // the listener lives as long as the channel, so it captures the registry, not this dialer
        // (and through it the whole handshake)
        ConnectionRegistry accounts = registry;
        upstream.closeFuture().addListener((ChannelFutureListener) closed -> accounts.upstreamClosed(backend));
        gateway.channels().add(upstream);
        dialing.accept(upstream);
        connect.addListener((ChannelFutureListener) f -> {
            if (f.isSuccess()) {
                return; // the answering handler takes it from here, in channelActive
            }
            ConnectFailure failure = ConnectFailure.of(f.cause());
            registry.connectFailed(backend, failure);
            failures.add(failure);
            if (!client.isActive()) {
                return;
            }
            if (index + 1 < candidates.size()) {
                attempt(index + 1);
            } else {
                allFailed.accept(failures);
            }
        });
    }
    // end::dial[]
}
