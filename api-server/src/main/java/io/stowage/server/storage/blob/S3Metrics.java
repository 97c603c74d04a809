package io.stowage.server.storage.blob;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.stowage.server.metrics.LatencyBuckets;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.core.metrics.CoreMetric;
import software.amazon.awssdk.http.HttpMetric;
import software.amazon.awssdk.metrics.MetricCollection;
import software.amazon.awssdk.metrics.MetricPublisher;
import software.amazon.awssdk.metrics.SdkMetric;

/**
 * Records the metrics the AWS SDK collects for each S3 call into Micrometer, tagged with the
 * S3 {@code operation} (PutObject, GetObject, ...):
 * <ul>
 *   <li>{@code stowage.s3.calls}: duration of each call including its retries, by {@code outcome}
 *       (success or failure);
 *   <li>{@code stowage.s3.attempts}: HTTP attempts by {@code status} code ({@code none} when no
 *       response came, such as a refused connection);
 *   <li>{@code stowage.s3.retries}: attempts after the first.
 * </ul>
 * The SDK calls {@link #publish} on its own threads once a call completes.
 */
final class S3Metrics implements MetricPublisher {
    private static final String ATTEMPT = "ApiCallAttempt";

    private final MeterRegistry registry;

    S3Metrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void publish(MetricCollection call) {
        String operation = first(call, CoreMetric.OPERATION_NAME, "unknown");
        boolean success = first(call, CoreMetric.API_CALL_SUCCESSFUL, false);
        Duration duration = first(call, CoreMetric.API_CALL_DURATION, null);
        if (duration != null) {
            LatencyBuckets.apply(Timer.builder("stowage.s3.calls")
                            .description("S3 calls, from the first attempt to the end of the last"))
                    .tags("operation", operation, "outcome", success ? "success" : "failure")
                    .register(registry)
                    .record(duration);
        }
        int retries = first(call, CoreMetric.RETRY_COUNT, 0);
        Counter.builder("stowage.s3.retries").description("S3 attempts after the first of a call")
                .tag("operation", operation).register(registry).increment(retries);
        call.childrenWithName(ATTEMPT).forEach(attempt -> {
            Integer status = first(attempt, HttpMetric.HTTP_STATUS_CODE, null);
            Counter.builder("stowage.s3.attempts").description("HTTP attempts of S3 calls, by status code")
                    .tags("operation", operation, "status", status == null ? "none" : status.toString())
                    .register(registry).increment();
        });
    }

    private static <T> T first(MetricCollection collection, SdkMetric<T> metric, T otherwise) {
        List<T> values = collection.metricValues(metric);
        return values.isEmpty() ? otherwise : values.get(0);
    }

    @Override
    public void close() {
        // the meters stay in the registry, which its owner closes
    }
}
