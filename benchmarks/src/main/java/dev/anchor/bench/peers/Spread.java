package dev.anchor.bench.peers;

import java.util.List;

/**
 * The median of a figure over the repetitions, with its lowest and highest values. With three
 * repetitions the median is the middle one, and min and max are the whole spread: nothing is
 * averaged away.
 */
record Spread(double median, double min, double max, int n) {
    static Spread of(List<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("no values");
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        return new Spread(median, sorted[0], sorted[n - 1], n);
    }
}
