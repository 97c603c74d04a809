package io.stowage.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.inprocess.InProcessServerBuilder;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stowage.embedded.LocalS3;
import io.stowage.server.config.ServerConfig;
import io.stowage.server.storage.blob.BlobStore;
import io.stowage.server.storage.index.postgres.PostgresIndex;
import io.stowage.testing.Http;
import io.stowage.server.testing.TestBackends;
import io.stowage.server.testing.s3.FaultProxy;
import io.stowage.server.testing.s3.S3Endpoint;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** /readyz says which dependency fails: here the blob store, when its S3 server goes away. */
class ReadinessNamesTheBlobStoreTest {

    @Test
    void readinessNamesTheBlobStoreWhenS3GoesAway() {
        String name = TestBackends.uniqueName("readiness-blob-store");
        ServerConfig config = TestBackends.config(Map.of("STOWAGE_GRPC_HOST", "127.0.0.1", "STOWAGE_HTTP_PORT", "0",
                "STOWAGE_CLEAN_INTERVAL", "off"));
        FaultProxy proxy = FaultProxy.start(TestBackends.s3().endpoint());
        BlobStore blobs = new S3Endpoint("S3Proxy", TestBackends.s3().endpoint(), LocalS3.ACCESS_KEY,
                LocalS3.SECRET_KEY).via("proxy", proxy.uri()).store(name, "p");
        Storage storage = new Storage(blobs, new PostgresIndex(TestBackends.database(name)), config, Clock.systemUTC());
        try (StowageServer server = new StowageServer(storage, InProcessServerBuilder.forName(name), config,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT)).startServing()) {
            assertThat(Http.get(server.httpPort(), "/readyz").statusCode()).isEqualTo(200);

            proxy.close();

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                HttpResponse<String> ready = Http.get(server.httpPort(), "/readyz");
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).startsWith("not ready: blob store").hasLineCount(1);
            });
        } finally {
            proxy.close();
        }
    }
}
