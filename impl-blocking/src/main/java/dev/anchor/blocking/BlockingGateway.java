package dev.anchor.blocking;

import dev.anchor.core.config.Endpoint;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.GatewayRuntime;
import dev.anchor.core.gateway.RuntimeGateway;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The gateway on blocking sockets. One thread accepts; each client connection gets a thread that
 * reads its handshake and then relays client-to-backend, and one more thread relays
 * backend-to-client. With virtual threads that is cheap: a blocked read parks the virtual thread,
 * not a carrier.
 */
// tag::gateway[]
public final class BlockingGateway implements RuntimeGateway {
    private static final System.Logger LOG = System.getLogger(BlockingGateway.class.getName());

    private final GatewayRuntime runtime;
    private final ServerSocket listener;
    private final Workers workers;
    private final Timekeeper timekeeper;
    private final Acceptor acceptor;
    private final AtomicBoolean closed = new AtomicBoolean();

    private BlockingGateway(GatewayConfig config) throws IOException {
        config.refuseUserTimeout("blocking", "the JDK's Socket has no TCP_USER_TIMEOUT option");
        this.runtime = new GatewayRuntime("blocking", config, SocketOptions::probe);
        this.workers = new Workers(config.blockingThreads());
        this.listener = new ServerSocket();
        try {
            listener.setReuseAddress(true);
            listener.bind(config.listen(), 1024);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        this.timekeeper = new Timekeeper(config);
        Dialer dialer = new Dialer(runtime.connections(), config.timeouts().connect(), config.tcpBackend());
        this.acceptor = new Acceptor(listener, runtime, dialer, workers, timekeeper, new BufferPool(config.tunnelBuffer()));
        runtime.listening(address());
        workers.start("accept", acceptor);
        LOG.log(System.Logger.Level.INFO, "blocking gateway ({0} threads) listening on {1}{2}",
                config.blockingThreads().configName(), Endpoint.of(address()).text(), runtime.tls() == null ? "" : " with TLS");
    }

    public static BlockingGateway start(GatewayConfig config) throws IOException {
        return new BlockingGateway(config);
    }
    // end::gateway[]

    @Override
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    @Override
    public GatewayRuntime runtime() {
        return runtime;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        acceptor.stop();
        runtime.close();
        timekeeper.close();
        if (!workers.awaitAll(Duration.ofSeconds(5))) {
            LOG.log(System.Logger.Level.WARNING, "{0} threads still running 5 s after close", workers.count());
        }
        LOG.log(System.Logger.Level.INFO, "blocking gateway on {0} stopped", Endpoint.of(address()).text());
    }
}
