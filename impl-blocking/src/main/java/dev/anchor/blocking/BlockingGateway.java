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
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The gateway on blocking sockets. One thread accepts; each client connection gets a thread that
 * reads its handshake and then pumps client-to-backend, and one more thread pumps backend-to-client.
 * With virtual threads that is cheap: a blocked read parks the virtual thread, not a carrier.
 */
// tag::accept-loop[]
public final class BlockingGateway implements Gateway {
    private static final System.Logger LOG = System.getLogger(BlockingGateway.class.getName());
    /** How long to stop accepting after accept() failed, e.g. out of file descriptors. */
    private static final long ACCEPT_BACK_OFF_MILLIS = 100;

    private final GatewayRuntime runtime;
    private final ServerSocket listener;
    private final Workers workers;
    private final Dialer dialer;
    private final Watchdog watchdog;
    private final Set<ClientSession> sessions = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();

    private BlockingGateway(GatewayConfig config) throws IOException {
        config.refuseUserTimeout("blocking", "the JDK's Socket has no TCP_USER_TIMEOUT option");
        this.runtime = new GatewayRuntime("blocking", config);
        this.workers = new Workers(config.blockingThreads());
        this.dialer = new Dialer(runtime.connections(), config.timeouts().connect(), config.tcpBackend());
        this.listener = new ServerSocket();
        try {
            listener.setReuseAddress(true);
            listener.bind(config.listen(), 1024);
        } catch (IOException e) {
            listener.close();
            throw e;
        }
        this.watchdog = new Watchdog(config);
        runtime.listening(address());
        workers.start("accept", this::acceptLoop);
        LOG.log(System.Logger.Level.INFO, "blocking gateway ({0} threads) listening on {1}",
                config.blockingThreads().configName(), Endpoint.of(address()).text());
    }

    public static BlockingGateway start(GatewayConfig config) throws IOException {
        return new BlockingGateway(config);
    }

    private void acceptLoop() {
        while (!closed.get()) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (!closed.get()) {
                    // the cause (EMFILE, say) usually lasts: without a pause this loop would spin
                    LOG.log(System.Logger.Level.WARNING, "accept failed, pausing {0} ms: {1}", ACCEPT_BACK_OFF_MILLIS, e);
                    pause();
                }
                continue;
            }
            runtime.connections().clientOpened();
            try {
                Leg.apply(socket, runtime.config().tcpClient());
                Leg client = new Leg(socket, runtime.connections()::clientClosed);
                ClientSession session = new ClientSession(client, runtime, dialer, workers, watchdog, sessions::remove);
                sessions.add(session);
                if (closed.get()) {
                    session.stop(); // close() may have gone through the sessions before this one was added
                }
                workers.start("session", session::run);
            } catch (IOException | RuntimeException e) { // an option this platform refuses too
                LOG.log(System.Logger.Level.DEBUG, "could not take a connection: {0}", e.toString());
                closeQuietly(socket);
                runtime.connections().clientClosed();
            }
        }
    }
    // end::accept-loop[]

    private static void pause() {
        try {
            Thread.sleep(ACCEPT_BACK_OFF_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

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
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closeQuietly(listener);
        for (ClientSession s : sessions) {
            s.stop();
        }
        watchdog.close();
        if (!workers.awaitAll(Duration.ofSeconds(5))) {
            LOG.log(System.Logger.Level.WARNING, "{0} threads still running 5 s after close", workers.count());
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
