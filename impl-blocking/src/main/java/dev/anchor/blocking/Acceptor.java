package dev.anchor.blocking;

import dev.anchor.core.gateway.GatewayRuntime;
import dev.anchor.core.tls.ServerTls;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Accepts client connections on a thread of its own and starts a {@link Handshake} for each on a
 * thread of its own. It remembers the handshakes under way, so that a stop can end every one of
 * them, even one accepted at the very moment the stop began. On a TLS listener it only layers TLS
 * over the socket, which reads and writes nothing: the TLS handshake is the handshake thread's, so
 * that a slow client holds up no other.
 */
// tag::accept[]
final class Acceptor implements Runnable {
    private static final System.Logger LOG = System.getLogger(Acceptor.class.getName());
    /** How long to stop accepting after accept() failed, e.g. out of file descriptors. */
    private static final long BACK_OFF_MILLIS = 100;

    private final ServerSocket listener;
    private final GatewayRuntime runtime;
    private final Dialer dialer;
    private final Workers workers;
    private final Timekeeper timekeeper;
    private final BufferPool buffers;
    private final Set<Handshake> handshakes = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean stopped = new AtomicBoolean();

    Acceptor(ServerSocket listener, GatewayRuntime runtime, Dialer dialer, Workers workers, Timekeeper timekeeper,
             BufferPool buffers) {
        this.listener = listener;
        this.runtime = runtime;
        this.dialer = dialer;
        this.workers = workers;
        this.timekeeper = timekeeper;
        this.buffers = buffers;
    }

    @Override
    public void run() {
        while (!stopped.get()) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (!stopped.get()) {
                    // the cause (EMFILE, say) usually lasts: without a pause this loop would spin
                    LOG.log(System.Logger.Level.WARNING, "accept failed, pausing {0} ms: {1}", BACK_OFF_MILLIS, e);
                    pause();
                }
                continue;
            }
            runtime.connections().clientOpened();
            try {
                SocketOptions.apply(socket, runtime.config().tcpClient());
                ServerTls tls = runtime.tls(); // asked per connection: a reload may have brought new certificates
                Leg client = new Leg(socket, tls == null ? null : new ClientTls(socket, tls, timekeeper),
                        runtime.connections()::clientClosed);
                Handshake handshake = new Handshake(client, runtime, dialer, workers, timekeeper, buffers, handshakes::remove);
                handshakes.add(handshake);
                if (stopped.get()) {
                    handshake.stop(); // stop() may have gone through the handshakes before this one was added
                }
                workers.start("handshake", handshake::run);
            } catch (IOException | RuntimeException e) { // an option this platform refuses too
                LOG.log(System.Logger.Level.DEBUG, "could not take a connection: {0}", e.toString());
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // it is gone either way
                }
                runtime.connections().clientClosed();
            }
        }
    }
    // end::accept[]

    /** Stops accepting and ends every connection taken, whatever stage it is at. */
    void stop() {
        stopped.set(true);
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing to stop; an error here changes nothing
        }
        handshakes.forEach(Handshake::stop);
    }

    private static void pause() {
        try {
            Thread.sleep(BACK_OFF_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
