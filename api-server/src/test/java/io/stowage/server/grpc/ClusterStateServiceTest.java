package io.stowage.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.stowage.api.v1.ClusterStateGrpc;
import io.stowage.api.v1.CommittedOffset;
import io.stowage.api.v1.GetCaptureRequest;
import io.stowage.api.v1.GetCaptureResponse;
import io.stowage.api.v1.GroupCapture;
import io.stowage.api.v1.PutCaptureRequest;
import io.stowage.api.v1.TopicCapture;
import io.stowage.common.message.Timestamps;
import io.stowage.server.testing.ArchiveServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ClusterState service through a real stub, over the PostgreSQL index. */
class ClusterStateServiceTest {
    static final Instant T1 = Instant.parse("2024-06-01T12:00:00.000001Z");
    static final Instant T2 = T1.plusSeconds(60);

    @TempDir
    static Path dir;
    static ArchiveServer server;

    @BeforeAll
    static void start() {
        server = ArchiveServer.start("cluster state", ArchiveServer.Backend.FILES, dir, Map.of());
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static ClusterStateGrpc.ClusterStateBlockingStub stub() {
        return ClusterStateGrpc.newBlockingStub(server.channel());
    }

    static TopicCapture topic(String name, int partitions, Map<String, String> configs) {
        return TopicCapture.newBuilder().setTopic(name).setPartitions(partitions).setReplicationFactor(1)
                .putAllConfigs(configs).build();
    }

    static GroupCapture group(String name, String topic, int partition, long offset) {
        return GroupCapture.newBuilder().setGroup(name).addOffsets(CommittedOffset.newBuilder().setTopic(topic)
                .setPartition(partition).setOffset(offset).setMetadata("meta " + offset)).build();
    }

    static PutCaptureRequest.Builder capture(Instant seen) {
        return PutCaptureRequest.newBuilder().setClusterId("c-1").setSeenAt(Timestamps.fromInstant(seen));
    }

    @Test
    void aCaptureIsReadBackAsItWasAtTheTimeAskedFor() {
        assertThat(stub().putCapture(capture(T1).addTopics(topic("svc-orders", 3, Map.of("cleanup.policy", "compact")))
                .addGroups(group("svc-billing", "svc-orders", 2, 40)).build()).getTopics()).isEqualTo(1);
        var second = stub().putCapture(capture(T2).addTopics(topic("svc-orders", 6, Map.of("cleanup.policy", "delete")))
                .addTopics(topic("svc-audit", 1, Map.of())).addGroups(group("svc-billing", "svc-orders", 2, 90)).build());
        assertThat(second.getTopics()).isEqualTo(2);
        assertThat(second.getGroups()).isEqualTo(1);

        GetCaptureResponse atT1 = stub().getCapture(GetCaptureRequest.newBuilder().setAt(Timestamps.fromInstant(T1))
                .setTopicPattern("svc-.*").build());
        GetCaptureResponse latest = stub().getCapture(GetCaptureRequest.newBuilder().setTopicPattern("svc-.*").build());
        GetCaptureResponse audit = stub().getCapture(GetCaptureRequest.newBuilder().setTopicPattern("svc-audit").build());

        assertThat(atT1.getTopicsList()).containsExactly(topic("svc-orders", 3, Map.of("cleanup.policy", "compact"))
                .toBuilder().setSeenAt(Timestamps.fromInstant(T1)).setClusterId("c-1").build());
        assertThat(atT1.getGroupsList()).containsExactly(group("svc-billing", "svc-orders", 2, 40).toBuilder()
                .setSeenAt(Timestamps.fromInstant(T1)).setClusterId("c-1").build());
        assertThat(latest.getTopicsList()).extracting(TopicCapture::getTopic, TopicCapture::getPartitions)
                .containsExactlyInAnyOrder(tuple("svc-orders", 6),
                        tuple("svc-audit", 1));
        assertThat(latest.getGroups(0).getOffsets(0).getOffset()).isEqualTo(90);
        assertThat(audit.getTopicsList()).extracting(TopicCapture::getTopic).containsExactly("svc-audit");
        assertThat(audit.getGroupsList()).isEmpty();
    }

    @Test
    void invalidCapturesAreRefusedWithWhatIsWrong() {
        assertInvalid(capture(T1).addTopics(topic("", 1, Map.of())).build(), "empty name");
        assertInvalid(capture(T1).addGroups(group("", "t", 0, 1)).build(), "empty name");
        assertInvalid(capture(T1).addGroups(group("g", "", 0, 1)).build(), "empty name");
        assertInvalid(capture(T1).addGroups(group("g", "t", -1, 1)).build(), "never negative");
        assertInvalid(capture(T1).addGroups(group("g", "t", 0, -1)).build(), "never negative");
        assertInvalid(capture(T1).addTopics(topic("t", 0, Map.of())).build(), "at least 1");
        assertInvalid(capture(T1).addTopics(topic("t", 1, Map.of())).addTopics(topic("t", 2, Map.of())).build(),
                "appears twice");
        assertInvalid(PutCaptureRequest.newBuilder().addTopics(topic("t", 1, Map.of())).build(), "seen_at");
        assertThatThrownBy(() -> stub().getCapture(GetCaptureRequest.newBuilder().setTopicPattern("orders(").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("topic_pattern", "orders(");
                });
        // nothing of a refused capture was kept
        assertThat(stub().getCapture(GetCaptureRequest.newBuilder().setTopicPattern("t").build()).getTopicsList()).isEmpty();
    }

    @Test
    void aCaptureFromTheFutureIsRefusedAsTheWorkersClockBeingAhead() {
        Instant now = Instant.now();
        String topic = "clock-" + now.toEpochMilli();

        assertInvalid(capture(now.plus(Duration.ofMinutes(10))).addTopics(topic(topic, 1, Map.of())).build(),
                "worker's clock is ahead");
        // a small drift is accepted
        stub().putCapture(capture(now.plusSeconds(60)).addTopics(topic(topic, 2, Map.of())).build());

        assertThat(stub().getCapture(GetCaptureRequest.newBuilder().setTopicPattern(topic).build()).getTopicsList())
                .extracting(TopicCapture::getPartitions).containsExactly(2);
    }

    @Test
    void stringsThePostgresIndexCannotStoreAreRefusedNamingWhereTheyAre() {
        GroupCapture nulMetadata = GroupCapture.newBuilder().setGroup("nul-group").addOffsets(CommittedOffset
                .newBuilder().setTopic("nul-topic").setPartition(3).setOffset(1).setMetadata("a\0b")).build();

        assertInvalid(capture(T1).addGroups(nulMetadata).build(), "group 'nul-group' on partition 3 of topic 'nul-topic'");
        assertInvalid(capture(T1).addTopics(topic("nul-topic", 1, Map.of("retention.ms", "1\0"))).build(),
                "config retention.ms of topic 'nul-topic'");
        assertInvalid(capture(T1).addTopics(topic("nul\0topic", 1, Map.of())).build(), "NUL");
        assertInvalid(capture(T1).addGroups(group("nul\0group", "t", 0, 1)).build(), "NUL");

        // the next capture without them is kept
        stub().putCapture(capture(T1).addGroups(group("nul-group", "nul-topic", 3, 1)).build());
        assertThat(stub().getCapture(GetCaptureRequest.newBuilder().setTopicPattern("nul-topic").build())
                .getGroupsList()).extracting(GroupCapture::getGroup).containsExactly("nul-group");
    }

    private static void assertInvalid(PutCaptureRequest request, String reason) {
        assertThatThrownBy(() -> stub().putCapture(request))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains(reason);
                });
    }
}
