package io.stowage.common.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpsHttpServerTest {
    static final String PROTOBUF =
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited";

    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final AtomicReference<Readiness> readiness = new AtomicReference<>(Readiness.READY);
    PrometheusMeterRegistry registry;
    OpsHttpServer server;

    @BeforeEach
    void start() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        server = new OpsHttpServer(new InetSocketAddress("127.0.0.1", 0), registry, readiness::get).start();
    }

    @AfterEach
    void stop() {
        server.close();
        registry.close();
    }

    @Test
    void healthzAnswersOkWhileRunning() throws Exception {
        HttpResponse<String> rsp = get("/healthz");

        assertThat(rsp.statusCode()).isEqualTo(200);
        assertThat(rsp.body()).isEqualTo("ok\n");
    }

    @Test
    void readyzFollowsTheReadinessCheckAndSaysWhyNot() throws Exception {
        HttpResponse<String> ready = get("/readyz");
        readiness.set(Readiness.notReady("index database: connection refused\n  at somewhere"));
        HttpResponse<String> notReady = get("/readyz");
        HttpResponse<String> health = get("/healthz");

        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body()).isEqualTo("not ready: index database: connection refused at somewhere\n");
        assertThat(health.statusCode()).isEqualTo(200);
    }

    @Test
    void aReadinessCheckThatThrowsMeansNotReady() throws Exception {
        try (OpsHttpServer failing = new OpsHttpServer(new InetSocketAddress("127.0.0.1", 0), registry, () -> {
            throw new IllegalStateException("boom");
        }).start()) {
            HttpResponse<String> rsp = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + failing.port() + "/readyz")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(rsp.statusCode()).isEqualTo(503);
            assertThat(rsp.body()).startsWith("not ready: ").contains("boom");
        }
    }

    @Test
    void metricsExposesTheRegistryAndTheJvmInPrometheusText() throws Exception {
        registry.counter("stowage.test.things", "kind", "a").increment(3);

        HttpResponse<String> rsp = get("/metrics");

        assertThat(rsp.statusCode()).isEqualTo(200);
        assertThat(rsp.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("text/plain; version=0.0.4"));
        assertThat(rsp.body())
                .contains("stowage_test_things_total{kind=\"a\"} 3.0")
                .contains("jvm_memory_used_bytes{")
                .contains("jvm_gc_")
                .contains("jvm_threads_live_threads")
                .contains("process_cpu_usage")
                .contains("process_uptime_seconds");
    }

    @Test
    void metricsSpeaksOpenMetricsToAScraperThatPrefersIt() throws Exception {
        registry.counter("stowage.test.things").increment();

        HttpResponse<String> rsp = http.send(request("/metrics")
                .header("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5")
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(rsp.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/openmetrics-text"));
        assertThat(rsp.body()).contains("stowage_test_things_total 1.0").endsWith("# EOF\n");
    }

    @Test
    void metricsSpeaksProtobufToAScraperThatAsksForIt() throws Exception {
        registry.counter("stowage.test.things").increment();

        HttpResponse<byte[]> rsp = http.send(request("/metrics").header("Accept", PROTOBUF).build(),
                HttpResponse.BodyHandlers.ofByteArray());

        assertThat(rsp.statusCode()).isEqualTo(200);
        assertThat(rsp.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/vnd.google.protobuf"));
        assertThat(new String(rsp.body(), StandardCharsets.ISO_8859_1)).contains("stowage_test_things");
    }

    @Test
    void headGetsHeadersWithoutABody() throws Exception {
        HttpResponse<String> rsp = http.send(request("/healthz").method("HEAD", HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(rsp.statusCode()).isEqualTo(200);
        assertThat(rsp.body()).isEmpty();
    }

    @Test
    void unknownPathsAndOtherMethodsAreRefused() throws Exception {
        HttpResponse<String> unknown = get("/healthzz");
        HttpResponse<String> post = http.send(request("/metrics").POST(HttpRequest.BodyPublishers.ofString("x"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    @Test
    void portZeroPicksAFreePort() {
        assertThat(server.port()).isPositive();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10));
    }
}
