package dev.anchor.cli;

import dev.anchor.core.capacity.SourcePortPool;
import dev.anchor.core.capacity.SourceSlot;
import dev.anchor.core.config.UpstreamSource;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;

/**
 * What a {@link SourcePortPool} costs per acquire and per release, from a short loop in this
 * process: take every slot, hand every slot back, again and again; time the two halves apart.
 * A warm-up first, so the figure is for compiled code. A rough figure, no JMH: one thread, no
 * forks, no error bars, and the clock is read around whole rounds, not around each call.
 */
final class AcquireTimer {
    private AcquireTimer() {
    }

    /**
     * @param acquireNanos the mean time of one acquire, the pool's clock read included
     * @param releaseNanos the mean time of one release
     * @param acquires     how many acquires the figure is measured over
     */
    record Figure(double acquireNanos, double releaseNanos, long acquires) {
    }

    static Figure measure(List<InetAddress> sources, int lowPort, int highPort, Duration warmUp, Duration measured) {
        SourcePortPool pool = new SourcePortPool(sources, lowPort, highPort, UpstreamSource.TIME_WAIT, System::nanoTime);
        SourceSlot[] held = new SourceSlot[pool.capacity()];
        long[] times = new long[2];
        long end = System.nanoTime() + warmUp.toNanos();
        do {
            round(pool, held, times);
        } while (System.nanoTime() < end);
        times[0] = 0;
        times[1] = 0;
        long rounds = 0;
        end = System.nanoTime() + measured.toNanos();
        do {
            round(pool, held, times);
            rounds++;
        } while (System.nanoTime() < end);
        long acquires = rounds * held.length;
        return new Figure((double) times[0] / acquires, (double) times[1] / acquires, acquires);
    }

    /** Takes every slot, then hands every slot back; adds the two durations to {@code times}. */
    private static void round(SourcePortPool pool, SourceSlot[] held, long[] times) {
        long t0 = System.nanoTime();
        for (int i = 0; i < held.length; i++) {
            held[i] = pool.acquire().orElseThrow(() -> new IllegalStateException("the pool ran dry early"));
        }
        long t1 = System.nanoTime();
        for (SourceSlot slot : held) {
            pool.release(slot);
        }
        long t2 = System.nanoTime();
        times[0] += t1 - t0;
        times[1] += t2 - t1;
    }
}
