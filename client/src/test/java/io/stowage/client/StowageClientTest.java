package io.stowage.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.stowage.api.v1.AttributeValue;
import io.stowage.api.v1.CommittedOffset;
import io.stowage.api.v1.GetCaptureResponse;
import io.stowage.api.v1.GroupCapture;
import io.stowage.api.v1.PutCaptureRequest;
import io.stowage.api.v1.TopicCapture;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.ScanRequest;
import io.stowage.api.v1.ScanResult;
import io.stowage.common.config.SettingsSource;
import io.stowage.common.message.Timestamps;
import io.stowage.embedded.LocalPostgres;
import io.stowage.server.StowageServer;
import io.stowage.server.config.JdbcTarget;
import io.stowage.server.config.ServerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against a real server whose limits are small, so that splitting shows. */
class StowageClientTest {
    static final Instant T = Instant.parse("2024-01-01T00:00:00Z");

    @TempDir
    static Path dir;
    static LocalPostgres pg;
    static ServerConfig config;
    static StowageServer server;

    @BeforeAll
    static void start() throws Exception {
        pg = LocalPostgres.start(dir.resolve("pg"));
        // the system picks the port, which a restart (a test's outage) then keeps: a port probed free
        // beforehand could be taken meanwhile, e.g. as the local end of an outgoing connection
        server = StowageServer.start(configOn(0), db());
        config = configOn(server.port());
    }

    private static ServerConfig configOn(int grpcPort) {
        return ServerConfig.from(new SettingsSource(Map.of(), Map.of("STOWAGE_DATA_DIR", dir.toString(),
                "STOWAGE_GRPC_HOST", "127.0.0.1", "STOWAGE_GRPC_PORT", String.valueOf(grpcPort), "STOWAGE_HTTP_PORT",
                "0", "STOWAGE_MAX_BATCH_MESSAGES", "50", "STOWAGE_CLEAN_INTERVAL", "off", "STOWAGE_SHUTDOWN_GRACE",
                "1s", "STOWAGE_GET_RESPONSE_BYTES", "64KiB")));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        pg.close();
    }

    static JdbcTarget db() {
        return new JdbcTarget(pg.jdbcUrl(), pg.user(), pg.password());
    }

    @Test
    void aCaptureIsPutAndReadBackAtATime() {
        Instant seen = T.plusSeconds(30);
        PutCaptureRequest capture = PutCaptureRequest.newBuilder().setClusterId("c-1")
                .setSeenAt(Timestamps.fromInstant(seen))
                .addTopics(TopicCapture.newBuilder().setTopic("orders").setPartitions(6).setReplicationFactor(3)
                        .putConfigs("cleanup.policy", "compact"))
                .addGroups(GroupCapture.newBuilder().setGroup("billing").addOffsets(CommittedOffset.newBuilder()
                        .setTopic("orders").setPartition(5).setOffset(1234)))
                .build();
        try (StowageClient c = client()) {
            assertThat(c.putCapture(capture).getGroups()).isEqualTo(1);
            assertThat(c.putCapture(capture).getTopics()).as("a retried put is accepted again").isEqualTo(1);

            GetCaptureResponse at = c.captureAt(seen);

            assertThat(at.getTopicsList()).singleElement().satisfies(t -> {
                assertThat(t.getConfigsMap()).containsExactly(Map.entry("cleanup.policy", "compact"));
                assertThat(t.getSeenAt()).isEqualTo(Timestamps.fromInstant(seen));
            });
            assertThat(at.getGroups(0).getOffsets(0).getOffset()).isEqualTo(1234);
            assertThat(c.captureAt(seen.minusMillis(1)).getTopicsList()).isEmpty();
        }
    }

    StowageClient client() {
        return StowageClient.builder("127.0.0.1:" + config.grpcPort()).maxBatch(50, 1024 * 1024).build();
    }

    @Test
    void putSplitsALargeListAndReportsRejectionsByTheirPlaceInIt() {
        List<Message> msgs = IntStream.range(0, 230).mapToObj(i -> msg("split-" + i, "s1", i, "v" + i)).toList();
        try (StowageClient c = client()) {
            assertThat(c.put(msgs).acknowledged()).isEqualTo(230);
            List<Message> again = new ArrayList<>(msgs);
            again.set(7, msg("split-7", "s1", 7, "other"));
            again.set(171, msg("split-171", "s1", 171, "other"));

            PutResult result = c.put(again);

            assertThat(result.acknowledged()).isEqualTo(228);
            assertThat(result.rejected()).extracting(PutResult.Rejected::index, PutResult.Rejected::id)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(7, "split-7"),
                            org.assertj.core.groups.Tuple.tuple(171, "split-171"));
            List<String> ids = msgs.stream().map(Message::getId).toList();
            assertThat(c.get(ids)).extracting(Message::getId).containsExactlyElementsOf(ids);
            assertThat(c.delete(ids.subList(0, 120))).isEqualTo(120);
            assertThat(c.get(ids)).hasSize(110);
        }
    }

    @Test
    void scanIsALazyStreamThatHonoursTheLimit() {
        try (StowageClient c = client()) {
            c.put(IntStream.range(0, 120).mapToObj(i -> msg("scan-" + i, "s2", i, "v")).toList());
            try (var all = c.scan(ScanRequest.newBuilder().setStream("s2").build())) {
                assertThat(all.map(ScanResult::getId).toList()).hasSize(120).startsWith("scan-0", "scan-1");
            }
            try (var some = c.scan(ScanRequest.newBuilder().setStream("s2").setLimit(7).setIdsOnly(true).build())) {
                assertThat(some.count()).isEqualTo(7);
            }
        }
    }

    @Test
    void invalidInputIsNotRetriedAndSaysWhy() {
        try (StowageClient c = client()) {
            assertThatThrownBy(() -> c.put(List.of(msg("", "s3", 0, "v"))))
                    .isInstanceOfSatisfying(StowageException.class,
                            e -> assertThat(e.code()).isEqualTo(Status.Code.INVALID_ARGUMENT))
                    .hasMessageContaining("id is empty");
        }
    }

    @Test
    void aPutRetriesUntilTheServerIsBack() throws Exception {
        try (StowageClient c = StowageClient.builder("127.0.0.1:" + config.grpcPort())
                .retry(new RetryPolicy(Duration.ofMillis(100), Duration.ofMillis(500), 2.0, 60, RetryPolicy.TRANSIENT))
                .build()) {
            server.close();
            server = null;
            CompletableFuture<PutResult> put = CompletableFuture.supplyAsync(() -> c.put(List.of(msg("late", "s4", 0, "v"))));
            Thread.sleep(1500);
            assertThat(put).isNotDone();
            server = StowageServer.start(config, db());
            assertThat(put.get(30, TimeUnit.SECONDS).acknowledged()).isEqualTo(1);
        }
    }

    @Test
    void getFetchesWhatDidNotFitOneResponseInRequestOrder() {
        String payload = "p".repeat(10_000);
        List<Message> msgs = IntStream.range(0, 120).mapToObj(i -> msg("budget-" + i, "s3", i, payload + i)).toList();
        List<String> ids = new ArrayList<>(msgs.stream().map(Message::getId).toList());
        java.util.Collections.shuffle(ids, new java.util.Random(3));
        ids.add(40, "budget-unknown");
        try (StowageClient c = client()) {
            c.put(msgs);
            io.stowage.api.v1.GetBatchRequest oneCall = io.stowage.api.v1.GetBatchRequest.newBuilder()
                    .addAllIds(ids.subList(0, 50)).build();
            assertThat(c.getBatch(oneCall).getRemainingIdsList()).isNotEmpty();

            List<Message> got = c.get(ids);

            assertThat(got).extracting(Message::getId)
                    .containsExactlyElementsOf(ids.stream().filter(id -> !id.equals("budget-unknown")).toList());
            assertThat(got).allSatisfy(m -> assertThat(m.getTextData()).startsWith(payload));
            assertThat(c.getBatchComplete(oneCall).getMsgsCount()).isEqualTo(49);
        }
    }

    private static Message msg(String id, String source, int second, String text) {
        return Message.newBuilder().setId(id).setSource(source).setSpecVersion("1.0").setType("t")
                .putAttributes("time", AttributeValue.newBuilder()
                        .setCeTimestamp(Timestamps.fromInstant(T.plusSeconds(second))).build())
                .setTextData(text).build();
    }
}
