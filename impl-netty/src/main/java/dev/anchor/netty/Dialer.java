package dev.anchor.netty;

import dev.anchor.core.gateway.DialPlan;
import dev.anchor.core.gateway.SocketFamily;
import dev.anchor.core.route.Backend;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketProtocolFamily;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;

/**
 * Connects to the first of a list of backends that accepts within the connect timeout, trying the
 * next after each refusal or timeout. The backend channel is made on the client channel's own
 * event loop, so the pair shares one thread for its whole life; once connected, its
 * {@link AnswerHandler} takes over.
 */
final class Dialer {
    private final Handshake handshake;
    private final GatewayContext gateway;
    private final Channel client;
    /** Why each candidate tried so far failed. Event loop only. */
    private final DialPlan plan;

    private Dialer(Handshake handshake, List<Backend> candidates) {
        this.handshake = handshake;
        this.gateway = handshake.gateway();
        this.client = handshake.client();
        this.plan = new DialPlan(gateway.registry(), candidates);
    }

    static void dial(Handshake handshake, List<Backend> candidates) {
        new Dialer(handshake, candidates).next();
    }

    // tag::dial[]
    private void next() {
        DialPlan.Attempt a = plan.next();
        if (a == null) {
            handshake.noBackend(plan.failures());
            return;
        }
        Optional<InetSocketAddress> source = a.bindAddress();
        ChannelFuture connect = new Bootstrap()
                .group(client.eventLoop()) // one thread for both legs: no locks between them
                .channelFactory(() -> gateway.transport().socketChannel()
                        .apply(SocketProtocolFamily.of(SocketFamily.toReach(a.backend().address()))))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                        (int) Math.min(Integer.MAX_VALUE, gateway.config().timeouts().connect().toMillis()))
                // in pool mode the pair serves other backends at the same time; only the 4-tuple must be unique
                .option(ChannelOption.SO_REUSEADDR, source.isPresent())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        gateway.configure(ch, gateway.backendOptions());
                        ch.pipeline().addLast(new AnswerHandler(handshake, a.backend()));
                    }
                })
                .connect(a.backend().address(), source.orElse(null)); // bind the slot first, if there is one
        Channel upstream = connect.channel();
        gateway.channels().add(upstream);
        handshake.dialing(upstream);
        // The close listener lives as long as the channel: it holds the attempt, not this dialer
        // (and through it the whole handshake).
        upstream.closeFuture().addListener((ChannelFutureListener) closed -> a.closed());
        connect.addListener((ChannelFutureListener) f -> {
            if (client.eventLoop().inEventLoop()) {
                outcome(f, a, upstream);
                return;
            }
            // a channel that could not even be made (no descriptor left) fails on another thread
            try {
                client.eventLoop().execute(() -> outcome(f, a, upstream));
            } catch (RejectedExecutionException stopped) {
                a.failed(f.cause()); // the gateway stopped: no outcome will run
            }
        });
    }

    private void outcome(ChannelFuture connect, DialPlan.Attempt a, Channel upstream) {
        if (connect.isSuccess()) {
            a.connected();
            return; // the answer handler takes it from here, in channelActive
        }
        a.failed(connect.cause()); // a slot the kernel refused is set aside, whatever the close does
        upstream.close();
        if (client.isActive() && !gateway.stopping()) {
            next();
        } else {
            client.close();
        }
    }
    // end::dial[]
}
