package io.stowage.server.metrics;

import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The histogram buckets of Stowage's latency timers. Percentiles come from the buckets in
 * PromQL ({@code histogram_quantile(0.99, sum by (le, method) (rate(..._bucket[5m])))}), which,
 * unlike percentiles computed in each process, add up across servers. (Micrometer's Prometheus
 * registry publishes a timer either as a histogram or as a summary with percentiles, not both.)
 * A fixed, short list keeps the number of series small.
 */
public final class LatencyBuckets {
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10),
        Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
        Duration.ofSeconds(10), Duration.ofSeconds(30),
    };

    private LatencyBuckets() {}

    public static Timer.Builder apply(Timer.Builder timer) {
        return timer.serviceLevelObjectives(BUCKETS);
    }
}
