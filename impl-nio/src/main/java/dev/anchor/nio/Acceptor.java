package dev.anchor.nio;

import dev.anchor.core.gateway.GatewayRuntime;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;

/**
 * Accepts on the first loop and deals the new connections out to all loops in turn. A connection
 * stays on the loop it was dealt to for its whole life, and so does its backend connection.
 */
// tag::accept[]
final class Acceptor implements Selectable {
    private static final System.Logger LOG = System.getLogger(Acceptor.class.getName());
    /** Connections taken per wakeup, so a flood of connects cannot starve the loop's other channels. */
    private static final int ACCEPTS_PER_EVENT = 64;
    /** How long to stop accepting after accept() failed, e.g. out of file descriptors. */
    private static final long BACK_OFF_NANOS = 100_000_000;

    private final ServerSocketChannel server;
    private final EventLoop home;
    private final List<EventLoop> loops;
    private final GatewayRuntime runtime;
    private SelectionKey key;
    private int next;

    Acceptor(ServerSocketChannel server, EventLoop home, List<EventLoop> loops, GatewayRuntime runtime) {
        this.server = server;
        this.home = home;
        this.loops = loops;
        this.runtime = runtime;
    }

    void start() {
        home.execute(() -> key = home.register(server, SelectionKey.OP_ACCEPT, this));
    }

    /**
     * Stops accepting, on the home loop: a connection accepted before this has already been dealt
     * to its loop, as a task queued ahead of anything the gateway asks of that loop after this.
     */
    void stop() {
        if (key != null) {
            key.cancel();
        }
        try {
            server.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing the listener failed", e);
        }
    }

    @Override
    public void ready(SelectionKey k) {
        for (int i = 0; i < ACCEPTS_PER_EVENT; i++) {
            SocketChannel channel;
            try {
                channel = server.accept();
            } catch (IOException e) {
                // the listener stays ready while the cause lasts (EMFILE): without a pause we would spin
                LOG.log(System.Logger.Level.WARNING, "accept failed, pausing 100 ms: {0}", e.toString());
                key.interestOps(0);
                home.schedule(BACK_OFF_NANOS, () -> {
                    if (key.isValid()) {
                        key.interestOps(SelectionKey.OP_ACCEPT);
                    }
                });
                return;
            }
            if (channel == null) {
                return;
            }
            runtime.connections().clientOpened();
            EventLoop loop = loops.get(next++ % loops.size());
            loop.execute(() -> startHandshake(loop, channel));
        }
    }
    // end::accept[]

    private void startHandshake(EventLoop loop, SocketChannel channel) {
        try {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            SocketOptions.apply(channel, runtime.config().tcpClient());
        } catch (IOException | RuntimeException e) { // an option this platform refuses too
            LOG.log(System.Logger.Level.DEBUG, "could not take a connection: {0}", e.toString());
            try {
                channel.close();
            } catch (IOException ignored) {
                // it is gone either way
            }
            runtime.connections().clientClosed();
            return;
        }
        new Handshake(loop, channel, runtime).start();
    }
}
