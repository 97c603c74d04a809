package io.stowage.server.grpc;

import static io.stowage.server.testing.Msgs.kafka;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.stowage.api.v1.CountProbe;
import io.stowage.api.v1.CountRequest;
import io.stowage.api.v1.CountResponse;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.PartitionCount;
import io.stowage.api.v1.PutBatchRequest;
import io.stowage.api.v1.ScanOrder;
import io.stowage.api.v1.ScanRequest;
import io.stowage.api.v1.ScanResult;
import io.stowage.common.message.Timestamps;
import io.stowage.server.testing.ArchiveServer;
import io.stowage.server.testing.ArchiveServer.Backend;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** Count through a real stub over real storage: it agrees with a Kafka-order Scan of the same range. */
class CountServiceTest {
    @TempDir
    Path tempDir;
    ArchiveServer server;

    @BeforeEach
    void start(TestInfo info) {
        server = ArchiveServer.start(info.getTestMethod().orElseThrow().getName(), Backend.FILES, tempDir, Map.of());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void countAgreesWithAKafkaOrderScanOfTheSameRange() {
        List<Message> records = new ArrayList<>();
        for (int p = 0; p < 3; p++) {
            for (long o = 0; o < 20; o++) {
                // Msgs.kafka times a record 1_700_000_000_000 ms + its offset: the range keeps offsets below 40
                records.add(kafka("r-" + p + "-" + o, "orders", p, o * 3 + p)
                        .setBinaryData(ByteString.copyFromUtf8("v".repeat((int) o))).build());
            }
        }
        records.add(kafka("other-topic", "invoices", 0, 1).build());
        assertThat(server.messages().putBatch(PutBatchRequest.newBuilder().addAllMsgs(records).build()).getAckCount())
                .isEqualTo(records.size());
        Instant to = Instant.ofEpochMilli(1_700_000_000_000L + 40);
        ScanRequest scan = ScanRequest.newBuilder().setStream("orders").setOrder(ScanOrder.SCAN_ORDER_KAFKA_OFFSET)
                .setIdsOnly(true).setTo(Timestamps.fromInstant(to)).build();
        List<ScanResult> scanned = new ArrayList<>();
        server.messages().scan(scan).forEachRemaining(scanned::add);

        CountResponse count = server.messages().count(CountRequest.newBuilder().setStream("orders")
                .setTo(Timestamps.fromInstant(to))
                .addProbes(CountProbe.newBuilder().setKafkaPartition(1).setBelowOffset(20))
                .addProbes(CountProbe.newBuilder().setKafkaPartition(2).setBelowOffset(1_000))
                .addProbes(CountProbe.newBuilder().setKafkaPartition(9).setBelowOffset(5)).build());

        for (PartitionCount p : count.getPartitionsList()) {
            List<ScanResult> ofPartition = scanned.stream().filter(r -> r.getKafkaPartition() == p.getKafkaPartition())
                    .toList();
            assertThat(p.getMessages()).isEqualTo(ofPartition.size());
            assertThat(p.getBytes()).isEqualTo(ofPartition.stream().mapToLong(ScanResult::getSize).sum());
            assertThat(p.getMinOffset()).isEqualTo(ofPartition.get(0).getKafkaOffset());
            assertThat(p.getMaxOffset()).isEqualTo(ofPartition.get(ofPartition.size() - 1).getKafkaOffset());
        }
        assertThat(count.getPartitionsList()).extracting(PartitionCount::getKafkaPartition, PartitionCount::getMessages)
                .containsExactly(tuple(0, 14L), tuple(1, 13L), tuple(2, 13L));
        assertThat(count.getProbesList()).containsExactly(
                scanned.stream().filter(r -> r.getKafkaPartition() == 1 && r.getKafkaOffset() < 20).count(), 13L, 0L);
        // what is left after the 20th result of the scan: the rest of partition 1, all of partition 2
        CountResponse rest = server.messages().count(CountRequest.newBuilder().setStream("orders")
                .setTo(Timestamps.fromInstant(to)).setCursor(scanned.get(19).getCursor()).build());
        assertThat(rest.getPartitionsList()).extracting(PartitionCount::getKafkaPartition, PartitionCount::getMessages)
                .containsExactly(tuple(1, 7L), tuple(2, 13L));
    }

    @Test
    void countRefusesAMissingStreamANegativeProbeABadTimeAndABadCursor() {
        assertInvalid(CountRequest.newBuilder().build(), "stream");
        assertInvalid(CountRequest.newBuilder().setStream("orders")
                .addProbes(CountProbe.newBuilder().setKafkaPartition(-1).setBelowOffset(3)).build(), "probe 0");
        assertInvalid(CountRequest.newBuilder().setStream("orders")
                .setTo(com.google.protobuf.Timestamp.newBuilder().setSeconds(Long.MAX_VALUE)).build(), "Count to");
        assertInvalid(CountRequest.newBuilder().setStream("orders").setCursor("not-a-cursor").build(), "cursor");
    }

    private void assertInvalid(CountRequest request, String says) {
        assertThatThrownBy(() -> server.messages().count(request))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains(says);
                });
    }
}
