package io.stowage.bench;

import java.util.Arrays;
import java.util.Collection;

/** Medians and percentiles of measurements. */
final class Stats {
    private Stats() {}

    /** The median; of an even count, the mean of the two middle values. */
    static double median(Collection<Double> values) {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("the median of no values");
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int mid = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /**
     * The {@code p}-th percentile (0 < p <= 100) by the nearest-rank method: the smallest value
     * with at least p% of the values at or below it. With 200 samples p99 is the second largest.
     */
    static double percentile(double[] values, double p) {
        if (values.length == 0) {
            throw new IllegalArgumentException("a percentile of no values");
        }
        if (p <= 0 || p > 100) {
            throw new IllegalArgumentException("percentile must be in (0, 100], not " + p);
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, rank - 1)];
    }
}
