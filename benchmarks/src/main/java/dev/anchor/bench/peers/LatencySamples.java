package dev.anchor.bench.peers;

import java.util.Arrays;

/**
 * Every round-trip time of a measurement, kept whole so that percentiles are exact: a million
 * samples are 8 MB. Written by the load thread only.
 */
final class LatencySamples {
    private long[] nanos = new long[1 << 16];
    private int size;

    void add(long roundTripNanos) {
        if (size == nanos.length) {
            nanos = Arrays.copyOf(nanos, size * 2);
        }
        nanos[size++] = roundTripNanos;
    }

    int size() {
        return size;
    }

    /** Quantiles (0.5 for the median, 0.99 ...) in microseconds, by the nearest-rank method. */
    double[] micros(double... quantiles) {
        if (size == 0) {
            throw new IllegalStateException("no samples");
        }
        long[] sorted = Arrays.copyOf(nanos, size);
        Arrays.sort(sorted);
        double[] micros = new double[quantiles.length];
        for (int i = 0; i < quantiles.length; i++) {
            int rank = (int) Math.ceil(quantiles[i] * size);
            micros[i] = sorted[Math.max(0, rank - 1)] / 1_000.0;
        }
        return micros;
    }
}
