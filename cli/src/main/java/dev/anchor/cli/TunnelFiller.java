package dev.anchor.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Opens tunnels through a gateway, at most {@code concurrency} at a time, until it has the number
 * asked for or one fails; and closes them again the way a client should.
 */
final class TunnelFiller {
    private final InetSocketAddress gateway;
    private final String path;
    private final Duration timeout;

    /**
     * @param tunnels the open tunnels, in the order they were asked for
     * @param nanos   from the first connect to the last 101
     * @param failure why filling stopped early, or null when every tunnel opened
     */
    record Fill(List<RawTunnel> tunnels, long nanos, String failure) {
        double seconds() {
            return nanos / 1e9;
        }
    }

    TunnelFiller(InetSocketAddress gateway, String path, Duration timeout) {
        this.gateway = gateway;
        this.path = path;
        this.timeout = timeout;
    }

    Fill fill(int target, int concurrency) {
        AtomicReferenceArray<RawTunnel> opened = new AtomicReferenceArray<>(target);
        AtomicInteger next = new AtomicInteger();
        AtomicReference<String> failure = new AtomicReference<>();
        long start = System.nanoTime();
        // every open is bounded by the timeout, so closing the executor (which waits) is bounded too
        try (ExecutorService workers = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("capacity-client-", 0).factory())) {
            for (int w = 0; w < Math.min(concurrency, target); w++) {
                workers.execute(() -> {
                    for (int i = next.getAndIncrement(); i < target && failure.get() == null; i = next.getAndIncrement()) {
                        String problem = openOne(i, opened);
                        if (problem != null) {
                            failure.compareAndSet(null, problem);
                        }
                    }
                });
            }
        }
        long nanos = System.nanoTime() - start;
        List<RawTunnel> tunnels = new ArrayList<>(target);
        for (int i = 0; i < target; i++) {
            if (opened.get(i) != null) {
                tunnels.add(opened.get(i));
            }
        }
        return new Fill(tunnels, nanos, failure.get());
    }

    /** Opens tunnel {@code i}; null when it is open, else what went wrong. */
    private String openOne(int i, AtomicReferenceArray<RawTunnel> opened) {
        String which = String.format(Locale.ROOT, "tunnel %,d", i + 1);
        try {
            RawTunnel t = RawTunnel.open(gateway, path, timeout);
            if (!t.upgraded()) {
                t.close();
                return which + ": the gateway answered '" + t.response().statusLine() + "' instead of 101";
            }
            opened.set(i, t);
            return null;
        } catch (IOException | RuntimeException e) {
            return which + ": " + Failures.describe(e);
        }
    }

    /**
     * Closes every tunnel: a Close frame on each, then waits for each to end (the backend answers
     * and closes, the gateway closes the client side) until {@code deadlineNanos}; what has not
     * ended by then is closed from this side. Returns how many ended by themselves.
     */
    static int closeAll(List<RawTunnel> tunnels, long deadlineNanos) {
        for (RawTunnel t : tunnels) {
            try {
                t.sendClose();
            } catch (IOException e) {
                // already gone; the wait below finds that at once
            }
        }
        int ended = 0;
        for (RawTunnel t : tunnels) {
            try (t) {
                if (t.awaitEnd(deadlineNanos)) {
                    ended++;
                }
            } catch (IOException e) {
                // closing a socket that is gone: nothing to do
            }
        }
        return ended;
    }
}
