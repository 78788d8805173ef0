package dev.anchor.blocking;

import dev.anchor.core.config.Endpoint;
import dev.anchor.core.config.GatewayConfig;
import dev.anchor.core.gateway.Gateway;
import dev.anchor.core.gateway.GatewayRuntime;
import dev.anchor.core.gateway.GatewayStatus;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway on blocking sockets. One thread accepts; each client connection gets a thread that
 * reads its handshake and then pumps client-to-backend, and one more thread pumps backend-to-client.
 * With virtual threads that is cheap: a blocked read parks the virtual thread, not a carrier.
 */
// tag::accept-loop[]
public final class BlockingGateway implements Gateway {
    private static final System.Logger LOG = System.getLogger(BlockingGateway.class.getName());

    private final GatewayRuntime runtime;
    private final ServerSocket listener;
    private final Workers workers;
    private final Dialer dialer;
    private final Set<ClientSession> sessions = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private BlockingGateway(GatewayConfig config) throws IOException {
        this.runtime = new GatewayRuntime("blocking", config);
        this.workers = new Workers(config.blockingThreads());
        this.dialer = new Dialer(runtime.connections(), config.timeouts().connect());
        this.listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(config.listen(), 1024);
        runtime.listening(address());
        workers.start("accept", this::acceptLoop);
        LOG.log(System.Logger.Level.INFO, "blocking gateway ({0} threads) listening on {1}",
                config.blockingThreads().configName(), Endpoint.of(address()).text());
    }

    public static BlockingGateway start(GatewayConfig config) throws IOException {
        return new BlockingGateway(config);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.log(System.Logger.Level.WARNING, "accept failed", e);
                }
                continue;
            }
            runtime.connections().clientOpened();
            try {
                Leg client = new Leg(socket, runtime.connections()::clientClosed);
                ClientSession[] self = new ClientSession[1];
                self[0] = new ClientSession(client, runtime, dialer, workers, () -> sessions.remove(self[0]));
                sessions.add(self[0]);
                workers.start("session", self[0]::run);
            } catch (IOException e) {
                closeQuietly(socket);
                runtime.connections().clientClosed();
            }
        }
    }
    // end::accept-loop[]

    @Override
    public String implementation() {
        return runtime.implementation();
    }

    @Override
    public InetSocketAddress address() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    @Override
    public GatewayStatus status() {
        return runtime.status();
    }

    public GatewayRuntime runtime() {
        return runtime;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeQuietly(listener);
        for (ClientSession s : sessions) {
            s.stop();
        }
        try {
            if (!workers.awaitAll(Duration.ofSeconds(5))) {
                LOG.log(System.Logger.Level.WARNING, "{0} threads still running 5 s after close", workers.count());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.log(System.Logger.Level.INFO, "blocking gateway on {0} stopped", Endpoint.of(address()).text());
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing to stop; an error here changes nothing
        }
    }
}
