package dev.anchor.bench.peers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;

/**
 * The upgrade load: loops that each connect, upgrade, send one message and check its echo, close
 * with a Close handshake, and start again, as many loops at once as asked, each on its own
 * platform thread with blocking channels. One completed loop is one upgrade. The first failure of
 * any loop (a refused upgrade, a wrong echo, a missing Close) stops the run.
 */
final class UpgradeLoad {
    private final InetSocketAddress target;
    private final int loops;
    private final MessageRing ring;

    /** Upgrades completed in a run, and how long the run took. */
    record Tally(long upgrades, long nanos) {
        double perSecond() {
            return upgrades * 1e9 / nanos;
        }
    }

    UpgradeLoad(InetSocketAddress target, int loops, MessageRing ring) {
        this.target = target;
        this.loops = loops;
        this.ring = ring;
    }

    /** Runs every loop until the duration is over; the loops under way then finish and count. */
    Tally run(Duration duration) throws IOException, InterruptedException {
        LongAdder upgrades = new LongAdder();
        AtomicReference<IOException> failure = new AtomicReference<>();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < loops; i++) {
            int loop = i;
            threads.add(Thread.ofPlatform().name("upgrade-loop-" + i).start(() -> {
                ByteBuffer scratch = ByteBuffer.allocate(ring.echoBytes);
                int frame = ring.firstFrame(loop);
                try {
                    while (System.nanoTime() - end < 0 && failure.get() == null) {
                        once(frame++, scratch);
                        upgrades.increment();
                    }
                } catch (IOException e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return new Tally(upgrades.sum(), System.nanoTime() - start);
    }

    private void once(int frame, ByteBuffer scratch) throws IOException {
        try (SocketChannel channel = ClientHandshake.open(target)) {
            Io.writeFully(channel, ring.request(frame));
            Io.expect(channel, ring.echo(frame), scratch, "the echo after an upgrade");
            Io.writeFully(channel, MessageRing.closeRequest());
            Io.expect(channel, MessageRing.closeReply(), scratch, "the Close answering ours");
        }
    }
}
