package io.stowage.server.storage.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.embedded.LocalS3;
import io.stowage.s3.S3Settings;
import io.stowage.server.storage.error.StorageUnavailableException;
import io.stowage.server.testing.TestBackends;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The AWS SDK's metrics of S3 calls, recorded into Micrometer through the SDK's metric publisher. */
class S3MetricsTest {
    static final StaticCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY));

    final MeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void callsAreTimedByOperationAndOutcomeAndAttemptsCountedByStatus(TestInfo info) {
        String bucket = TestBackends.uniqueName(info.getTestMethod().orElseThrow().getName());
        TestBackends.s3().createBucket(bucket);
        try (S3BlobStore store = new S3BlobStore(TestBackends.s3Settings(bucket, "p"), CREDENTIALS, registry)) {
            store.put("stream=a/x.bson", new byte[] {1, 2, 3});
            store.readRange("stream=a/x.bson", 1, 2);
            assertThatThrownBy(() -> store.read("stream=a/missing.bson")).isInstanceOf(BlobNotFoundException.class);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(calls("PutObject", "success")).isEqualTo(1);
                assertThat(calls("GetObject", "success")).isEqualTo(1);
                assertThat(calls("GetObject", "failure")).isEqualTo(1);
                assertThat(attempts("PutObject", "200")).isEqualTo(1);
                assertThat(attempts("GetObject", "206")).isEqualTo(1);
                assertThat(attempts("GetObject", "404")).isEqualTo(1);
            });
            assertThat(registry.get("stowage.s3.calls").tags("operation", "PutObject").timer().totalTime(
                    TimeUnit.NANOSECONDS)).isPositive();
        }
    }

    @Test
    void anUnreachableServerCountsFailedCallsRetriesAndAttemptsWithoutAStatus() {
        S3Settings nowhere = new S3Settings("b", "", "us-east-1", Optional.of(URI.create("http://127.0.0.1:1")), true);
        try (S3BlobStore down = new S3BlobStore(nowhere, CREDENTIALS, registry)) {
            assertThatThrownBy(() -> down.put("x/y.bson", new byte[1])).isInstanceOf(StorageUnavailableException.class);

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(calls("PutObject", "failure")).isEqualTo(1);
                double retries = registry.get("stowage.s3.retries").tag("operation", "PutObject").counter().count();
                assertThat(retries).isPositive();
                assertThat(attempts("PutObject", "none")).isEqualTo(retries + 1);
            });
        }
    }

    private long calls(String operation, String outcome) {
        var timer = registry.find("stowage.s3.calls").tags("operation", operation, "outcome", outcome).timer();
        return timer == null ? 0 : timer.count();
    }

    private double attempts(String operation, String status) {
        var counter = registry.find("stowage.s3.attempts").tags("operation", operation, "status", status).counter();
        return counter == null ? 0 : counter.count();
    }
}
