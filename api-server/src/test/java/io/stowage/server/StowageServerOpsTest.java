package io.stowage.server;

import static io.stowage.server.testing.Msgs.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.stowage.api.v1.CleanRequest;
import io.stowage.api.v1.CleanerGrpc;
import io.stowage.api.v1.DeleteBatchRequest;
import io.stowage.api.v1.GetBatchRequest;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.MessagesGrpc;
import io.stowage.api.v1.PutBatchRequest;
import io.stowage.api.v1.PutBatchResponse;
import io.stowage.api.v1.ScanRequest;
import io.stowage.api.v1.ScanResult;
import io.stowage.embedded.LocalPostgres;
import io.stowage.server.config.JdbcTarget;
import io.stowage.server.config.ServerConfig;
import io.stowage.server.testing.TestBackends;
import io.stowage.testing.Http;
import io.stowage.testing.PrometheusText;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** The api-server's HTTP endpoint for metrics and health, on a real server over real storage. */
class StowageServerOpsTest {
    static final Instant T = Instant.parse("2024-06-01T12:30:00Z");
    static final String MESSAGES = "stowage.v1.Messages";

    @TempDir
    Path tempDir;

    @Test
    void metricsCountTheCallsAndTheArchiveWorkOverARealChannel(TestInfo info) {
        LocalPostgres pg = TestBackends.postgres();
        try (StowageServer server = StowageServer.start(config(info), new JdbcTarget(pg.jdbcUrl(), pg.user(),
                pg.password()));
                Channel channel = new Channel(server.port())) {
            MessagesGrpc.MessagesBlockingStub messages = MessagesGrpc.newBlockingStub(channel.channel);
            List<Message> three = List.of(event("a", "src", "t", T, "one"), event("b", "src", "t", T, "two"),
                    event("c", "src", "t", T, "three"));
            PutBatchResponse first = messages.putBatch(PutBatchRequest.newBuilder().addAllMsgs(three).build());
            PutBatchResponse again = messages.putBatch(PutBatchRequest.newBuilder().addAllMsgs(three.subList(0, 2))
                    .addMsgs(event("c", "src", "t", T, "other content")).build());
            assertThatThrownBy(() -> messages.putBatch(PutBatchRequest.newBuilder()
                    .addMsgs(Message.newBuilder().setId("")).build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
            int gotFirst = messages.getBatch(GetBatchRequest.newBuilder().addIds("a").addIds("b").addIds("unknown")
                    .build()).getMsgsCount();
            int gotSecond = messages.getBatch(GetBatchRequest.newBuilder().addIds("c").build()).getMsgsCount();
            messages.deleteBatch(DeleteBatchRequest.newBuilder().addIds("a").build());
            List<ScanResult> scanned = new ArrayList<>();
            messages.scan(ScanRequest.newBuilder().setStream("src").build()).forEachRemaining(scanned::add);
            CleanerGrpc.newBlockingStub(channel.channel).clean(CleanRequest.getDefaultInstance());

            HttpResponse<String> health = Http.get(server.httpPort(), "/healthz");
            HttpResponse<String> ready = Http.get(server.httpPort(), "/readyz");
            HttpResponse<String> scrape = Http.get(server.httpPort(), "/metrics");
            PrometheusText metrics = PrometheusText.parse(scrape.body());

            assertThat(List.of(first.getAckCount(), again.getAckCount(), again.getRejectedCount(), gotFirst,
                    gotSecond, scanned.size())).containsExactly(3, 2, 1, 2, 1, 2);
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).isEqualTo("ok\n");
            assertThat(ready.statusCode()).isEqualTo(200);
            assertThat(scrape.statusCode()).isEqualTo(200);

            // per gRPC method
            assertThat(metrics.value("stowage_grpc_server_requests_total", "service", MESSAGES, "method", "PutBatch"))
                    .isEqualTo(3);
            assertThat(metrics.value("stowage_grpc_server_requests_total", "service", MESSAGES, "method", "GetBatch"))
                    .isEqualTo(2);
            assertThat(metrics.value("stowage_grpc_server_requests_total", "service", "stowage.v1.Cleaner",
                    "method", "Clean")).isEqualTo(1);
            assertThat(metrics.value("stowage_grpc_server_duration_seconds_count", "method", "PutBatch", "code", "OK"))
                    .isEqualTo(2);
            assertThat(metrics.value("stowage_grpc_server_duration_seconds_count", "method", "PutBatch",
                    "code", "INVALID_ARGUMENT")).isEqualTo(1);
            assertThat(metrics.value("stowage_grpc_server_duration_seconds_sum", "method", "GetBatch", "code", "OK"))
                    .isPositive();
            assertThat(metrics.has("stowage_grpc_server_duration_seconds_bucket", "method", "GetBatch", "le", "0.005"))
                    .isTrue();
            assertThat(metrics.value("stowage_grpc_server_duration_seconds_bucket", "method", "GetBatch",
                    "code", "OK", "le", "+Inf")).isEqualTo(2);
            assertThat(metrics.value("stowage_grpc_server_errors_total", "service", MESSAGES, "method", "PutBatch",
                    "code", "INVALID_ARGUMENT")).isEqualTo(1);
            assertThat(metrics.has("stowage_grpc_server_errors_total", "method", "GetBatch")).isFalse();
            assertThat(metrics.value("stowage_grpc_server_request_size_bytes_count", "method", "PutBatch"))
                    .isEqualTo(3);
            assertThat(metrics.value("stowage_grpc_server_request_size_bytes_sum", "method", "PutBatch"))
                    .isGreaterThan(3 * 10);
            assertThat(metrics.value("stowage_grpc_server_response_size_bytes_count", "method", "PutBatch"))
                    .isEqualTo(2);
            assertThat(metrics.value("stowage_grpc_server_response_size_bytes_count", "method", "Scan"))
                    .isEqualTo(2);

            // the archive's work
            assertThat(metrics.value("stowage_archive_put_acknowledged_total")).isEqualTo(5);
            assertThat(metrics.value("stowage_archive_put_rejected_total")).isEqualTo(1);
            // the second put wrote its copies too: the commit found a, b and c stored and indexed none
            assertThat(metrics.value("stowage_archive_segments_written_total")).isEqualTo(2);
            assertThat(metrics.value("stowage_archive_written_bytes_total")).isGreaterThan(3 * 50);
            assertThat(metrics.value("stowage_archive_get_returned_total")).isEqualTo(3);
            assertThat(metrics.value("stowage_archive_scan_returned_total")).isEqualTo(2);
            assertThat(metrics.value("stowage_archive_deleted_total")).isEqualTo(1);
            assertThat(metrics.value("stowage_clean_runs_total", "outcome", "done")).isEqualTo(1);
            assertThat(metrics.value("stowage_clean_rewritten_segments_total")).isEqualTo(1);
            assertThat(metrics.value("stowage_clean_freed_bytes_total")).isPositive();

            // the process and the connection pool
            assertThat(metrics.has("jvm_memory_used_bytes")).isTrue();
            assertThat(metrics.has("hikaricp_connections_active", "pool", "stowage-index")).isTrue();

            // a scraper that prefers the protobuf format gets it
            HttpResponse<String> proto = Http.get(server.httpPort(), "/metrics",
                    "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited");
            assertThat(proto.headers().firstValue("Content-Type")).hasValueSatisfying(
                    ct -> assertThat(ct).startsWith("application/vnd.google.protobuf"));
            assertThat(proto.body()).contains("stowage_archive_put_acknowledged");
        }
    }

    @Test
    void readinessFailsWithAReasonWhenTheDatabaseGoesAwayWhileLivenessHolds(TestInfo info) {
        LocalPostgres pg = LocalPostgres.startTemporary();
        try (StowageServer server = StowageServer.start(config(info), new JdbcTarget(pg.jdbcUrl(), pg.user(),
                pg.password()))) {
            int port = server.httpPort();
            assertThat(Http.get(port, "/readyz").statusCode()).isEqualTo(200);

            pg.close();

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                HttpResponse<String> ready = Http.get(port, "/readyz");
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(ready.body()).startsWith("not ready: index database").endsWith("\n")
                        .hasLineCount(1);
            });
            HttpResponse<String> health = Http.get(port, "/healthz");
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(Http.get(port, "/metrics").statusCode()).isEqualTo(200);
        } finally {
            pg.close();
        }
    }

    private ServerConfig config(TestInfo info) {
        String schema = TestBackends.uniqueName(info.getTestMethod().orElseThrow().getName());
        return TestBackends.config(Map.of("STOWAGE_GRPC_HOST", "127.0.0.1", "STOWAGE_GRPC_PORT", "0",
                "STOWAGE_HTTP_PORT", "0", "STOWAGE_DATA_DIR", tempDir.toString(), "STOWAGE_DB_SCHEMA", schema,
                "STOWAGE_CLEAN_INTERVAL", "off"));
    }

    /** A plaintext Netty channel to the server's port. */
    private static final class Channel implements AutoCloseable {
        final ManagedChannel channel;

        Channel(int port) {
            channel = NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        }

        @Override
        public void close() {
            channel.shutdownNow();
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
