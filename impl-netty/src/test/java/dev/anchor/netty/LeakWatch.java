package dev.anchor.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Makes Netty's leak reports something a test can see. Netty's detector only logs a leak (a
 * buffer garbage-collected without its last {@code release()}), and only when it notices, which is
 * at a later allocation; a log line fails nothing. Installed before the first buffer class is
 * loaded, this factory gives every detector a listener that records each report here, and
 * {@link #collect()} makes the detector look: it runs the garbage collector until the collected
 * buffers' references are queued, then allocates once, which is when the detector reports.
 */
// tag::leak-watch[]
final class LeakWatch {
    private static final List<String> REPORTS = new CopyOnWriteArrayList<>();
    private static boolean installed;

    private LeakWatch() {
    }

    /** Must run before Netty's buffer classes are initialised: they take their detector once. */
    static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            @SuppressWarnings("deprecation") // the maxActive argument is ignored by Netty anyway
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                       long maxActive) {
                ResourceLeakDetector<T> detector = new ResourceLeakDetector<>(resource, samplingInterval) {
                    @Override
                    protected boolean needReport() {
                        return true; // report even if Netty's logger is switched off
                    }
                };
                detector.setLeakListener((type, records) -> REPORTS.add(type + " leaked" + records));
                return detector;
            }
        });
    }

    /** Lets the detector find every buffer that became garbage unreleased, and report it. */
    static void collect() {
        for (int round = 0; round < 2; round++) {
            awaitCollection();
            ByteBuf probe = ByteBufAllocator.DEFAULT.buffer(1); // the detector reports at allocation
            probe.release();
        }
    }

    /** The reports since the last call, which forgets them. */
    static synchronized List<String> drain() {
        List<String> taken = new ArrayList<>(REPORTS);
        REPORTS.removeAll(taken);
        return taken;
    }
    // end::leak-watch[]

    /**
     * Runs the collector until a reference to an object that just became garbage is queued: the
     * references to leaked buffers found by the same collection are then queued as well.
     */
    private static void awaitCollection() {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
        long deadline = System.nanoTime() + 10_000_000_000L;
        try {
            while (queue.remove(100) == null) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the garbage collector did not run within 10 s");
                }
                System.gc();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the garbage collector", e);
        } finally {
            Reference.reachabilityFence(sentinel);
        }
    }
}
