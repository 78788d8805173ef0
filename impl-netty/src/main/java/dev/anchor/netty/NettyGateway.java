package dev.anchor.netty;

import dev.anchor.core.config.Endpoint;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.GatewayRuntime;
import dev.anchor.core.gateway.RuntimeGateway;
import dev.anchor.core.gateway.SocketFamily;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The gateway as a Netty pipeline. One event loop accepts; a group of them (one per core, or event-loops) serves
 * the connections, each client channel and the backend channel dialed for it on the same loop, so
 * a connection pair lives on one thread from its first byte to its close.
 */
// tag::gateway[]
public final class NettyGateway implements RuntimeGateway {
    private static final System.Logger LOG = System.getLogger(NettyGateway.class.getName());

    private final GatewayRuntime runtime;
    private final GatewayContext context;
    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final Channel server;
    private final AtomicBoolean closed = new AtomicBoolean();

    private NettyGateway(GatewayConfig config, Transport transport) throws IOException {
        if (!SocketOptions.userTimeoutSupported(transport)) {
            config.refuseUserTimeout("netty", "only its native epoll transport can, and it runs on " + transport.name() + " here");
        }
        this.runtime = new GatewayRuntime("netty", config, SocketOptions::probe);
        runtime.transport(transport.name());
        this.acceptor = new MultiThreadIoEventLoopGroup(1,
                new DefaultThreadFactory("anchor-netty-accept", true), transport.ioHandlers());
        this.workers = new MultiThreadIoEventLoopGroup(config.eventLoopThreads(),
                new DefaultThreadFactory("anchor-netty", true), transport.ioHandlers());
        this.context = new GatewayContext(runtime, transport,
                new DefaultChannelGroup("anchor-netty", GlobalEventExecutor.INSTANCE));
        ChannelFuture bound = new ServerBootstrap()
                .group(acceptor, workers)
                .channelFactory(() -> transport.serverChannel().apply(SocketProtocolFamily.of(SocketFamily.toListen(config.listen()))))
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new Acceptor(context))
                .bind(config.listen())
                .awaitUninterruptibly();
        if (!bound.isSuccess()) {
            stopEventLoops();
            throw bound.cause() instanceof IOException e ? e
                    : new IOException("cannot listen on " + Endpoint.of(config.listen()).text(), bound.cause());
        }
        this.server = bound.channel();
        runtime.listening(address());
        LOG.log(System.Logger.Level.INFO, "netty gateway ({0} transport, {1} event loops) listening on {2}",
                transport.name(), ((MultiThreadIoEventLoopGroup) workers).executorCount(), Endpoint.of(address()).text());
    }

    /** Starts on the best transport this machine has: epoll if Netty's native library loads, else NIO. */
    public static NettyGateway start(GatewayConfig config) throws IOException {
        return start(config, Transport.best());
    }

    static NettyGateway start(GatewayConfig config, Transport transport) throws IOException {
        return new NettyGateway(config, transport);
    }
    // end::gateway[]

    /** {@code epoll} or {@code nio}. */
    public String transport() {
        return context.transport().name();
    }

    @Override
    public GatewayRuntime runtime() {
        return runtime;
    }

    @Override
    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    // tag::close[]
    /**
     * Stops accepting, closes every connection (a tunnel learns from its closing legs that the
     * gateway is stopping, and counts itself closed for SHUTDOWN), and returns once the event loops
     * have run their last task.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        context.stop();
        runtime.close();
        server.close().awaitUninterruptibly();
        if (!context.channels().close().awaitUninterruptibly(5, TimeUnit.SECONDS)) {
            LOG.log(System.Logger.Level.WARNING, "connections still open 5 s after close");
        }
        stopEventLoops();
        LOG.log(System.Logger.Level.INFO, "netty gateway on {0} stopped", Endpoint.of(address()).text());
    }
    // end::close[]

    private void stopEventLoops() {
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        acceptor.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
