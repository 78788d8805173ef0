package dev.anchor.nio;

import dev.anchor.core.config.Endpoint;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.GatewayRuntime;
import dev.anchor.core.gateway.RuntimeGateway;
import dev.anchor.core.gateway.SocketFamily;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The gateway on non-blocking channels: {@code event-loops} threads (one per core by default),
 * each with its own selector. The first loop also accepts. A few threads serve every connection,
 * and a quiet connection costs no thread at all. With {@code listen.tls}, each client leg speaks
 * TLS through a {@link TlsWire} of its own, on the same loops; the backend leg stays plaintext.
 */
public final class NioGateway implements RuntimeGateway {
    private static final System.Logger LOG = System.getLogger(NioGateway.class.getName());

    private final GatewayRuntime runtime;
    private final ServerSocketChannel server;
    private final List<EventLoop> loops = new ArrayList<>();
    private final Acceptor acceptor;
    private final InetSocketAddress address;
    private final AtomicBoolean closed = new AtomicBoolean();

    private NioGateway(GatewayConfig config) throws IOException {
        config.refuseUserTimeout("nio", "the JDK's SocketChannel has no TCP_USER_TIMEOUT option");
        this.runtime = new GatewayRuntime("nio", config, SocketOptions::probe);
        this.server = ServerSocketChannel.open(SocketFamily.toListen(config.listen()));
        try {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(config.listen(), 1024);
            server.configureBlocking(false);
            for (int i = 0; i < config.eventLoopThreads(); i++) {
                loops.add(new EventLoop("anchor-nio-" + i, config.tunnelBuffer()));
            }
            address = (InetSocketAddress) server.getLocalAddress();
        } catch (IOException e) {
            server.close();
            throw e;
        }
        runtime.listening(address);
        loops.forEach(EventLoop::start);
        acceptor = new Acceptor(server, loops.get(0), loops, runtime);
        acceptor.start();
        LOG.log(System.Logger.Level.INFO, "nio gateway ({0} event loops) listening on {1}",
                loops.size(), Endpoint.of(address).text());
    }

    public static NioGateway start(GatewayConfig config) throws IOException {
        return new NioGateway(config);
    }

    @Override
    public GatewayRuntime runtime() {
        return runtime;
    }

    @Override
    public InetSocketAddress address() {
        return address;
    }

    /** TLS record buffers lent out on all loops, each counted on its own loop's thread: for the tests. */
    int recordBuffersLent() throws InterruptedException, ExecutionException, TimeoutException {
        int lent = 0;
        for (EventLoop loop : loops) {
            CompletableFuture<Integer> counted = new CompletableFuture<>();
            loop.execute(() -> counted.complete(loop.recordsLent()));
            lent += counted.get(5, TimeUnit.SECONDS);
        }
        return lent;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // stop accepting on the loop that accepts, and only then stop the loops: a connection
        // accepted a moment before is then a task ahead of its loop's stop, never one after it
        CompletableFuture<Void> notAccepting = new CompletableFuture<>();
        loops.get(0).execute(() -> {
            acceptor.stop();
            notAccepting.complete(null);
        });
        // an interrupt does not cut the stop short: it is remembered and restored at the end
        boolean interrupted = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try {
                notAccepting.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException | TimeoutException e) {
                LOG.log(System.Logger.Level.WARNING, "the accepting loop did not stop accepting within 5 s", e);
                break;
            }
        }
        runtime.close();
        loops.forEach(EventLoop::shutdown);
        for (EventLoop loop : loops) {
            interrupted |= loop.joinUninterruptibly(5_000);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        LOG.log(System.Logger.Level.INFO, "nio gateway on {0} stopped", Endpoint.of(address).text());
    }
}
