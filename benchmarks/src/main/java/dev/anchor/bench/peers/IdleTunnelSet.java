package dev.anchor.bench.peers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Many open tunnels that carry nothing: each is upgraded and proven by one echo when it opens, and
 * can be proven again later, to show the target kept every one. Opened by a few threads at once,
 * each with its own share, as blocking channels held open here.
 */
final class IdleTunnelSet implements AutoCloseable {
    private final MessageRing ring;
    private final SocketChannel[] tunnels;

    private IdleTunnelSet(MessageRing ring, int count) {
        this.ring = ring;
        this.tunnels = new SocketChannel[count];
    }

    /** Opens count tunnels with that many threads at once; each is proven by one echo. */
    static IdleTunnelSet open(InetSocketAddress target, int count, int threads, MessageRing ring)
            throws IOException, InterruptedException {
        IdleTunnelSet set = new IdleTunnelSet(ring, count);
        try {
            set.forEachShare(threads, i -> {
                set.tunnels[i] = ClientHandshake.open(target);
                set.prove(i, ByteBuffer.allocate(ring.echoBytes));
            });
        } catch (IOException | InterruptedException | RuntimeException e) {
            set.close();
            throw e;
        }
        return set;
    }

    /** One more echo through every tunnel. */
    void proveAll(int threads) throws IOException, InterruptedException {
        forEachShare(threads, i -> prove(i, ByteBuffer.allocate(ring.echoBytes)));
    }

    private void prove(int i, ByteBuffer scratch) throws IOException {
        Io.writeFully(tunnels[i], ring.request(i));
        Io.expect(tunnels[i], ring.echo(i), scratch, "the echo through idle tunnel " + i);
    }

    private interface TunnelTask {
        void run(int tunnel) throws IOException;
    }

    /** Thread t does tunnels t, t + threads, t + 2 * threads, ...; the first failure is thrown. */
    private void forEachShare(int threads, TunnelTask task) throws IOException, InterruptedException {
        AtomicReference<IOException> failure = new AtomicReference<>();
        List<Thread> running = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            running.add(Thread.ofPlatform().name("tunnels-" + t).start(() -> {
                try {
                    for (int i = first; i < tunnels.length && failure.get() == null; i += threads) {
                        task.run(i);
                    }
                } catch (IOException e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread t : running) {
            t.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    @Override
    public void close() throws IOException {
        for (SocketChannel tunnel : tunnels) {
            if (tunnel != null) {
                tunnel.close();
            }
        }
    }
}
