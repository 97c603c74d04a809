package io.stowage.ingest;

import static io.stowage.ingest.LoopFixture.P0;
import static io.stowage.ingest.LoopFixture.P1;
import static io.stowage.ingest.LoopFixture.offsets;
import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.ingest.LoopFixture.Limits;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The consumer loop over a MockConsumer: batching, commit after acknowledgement, backpressure, topic ids. */
@Timeout(30)
class IngestWorkerLoopTest {

    @Test
    void recordsAreBatchedByCountInOffsetOrder() {
        LoopFixture f = new LoopFixture(Limits.of(3)).assign(P0);
        f.records(P0, 0, 7);

        f.poll(1);

        assertThat(f.sink.sent()).hasSize(2);
        assertThat(offsets(f.sink.sent(0), P0)).containsExactly(0L, 2L);
        assertThat(offsets(f.sink.sent(1), P0)).containsExactly(3L, 5L);
        assertThat(f.sink.sent(0).messages).extracting(m -> m.getKafka().getOffset()).containsExactly(0L, 1L, 2L);
    }

    @Test
    void aBatchIsSealedBeforeItWouldExceedItsBytesAndABigRecordGoesAlone() {
        LoopFixture f = new LoopFixture(Limits.of(1000).batchBytes(1000)).assign(P0);
        f.records(P0, 0, 2, 300); // about 350 bytes each once mapped: two fit
        f.records(P0, 2, 3, 2000); // over the limit by itself
        f.records(P0, 3, 4, 300);

        f.poll(1);

        assertThat(f.sink.sent()).hasSize(2);
        assertThat(offsets(f.sink.sent(0), P0)).containsExactly(0L, 1L);
        assertThat(offsets(f.sink.sent(1), P0)).containsExactly(2L, 2L);
        assertThat(f.sink.sent(0).bytes).isLessThanOrEqualTo(1000);
    }

    @Test
    void aPartlyFilledBatchIsSentOnceItHasLingered() {
        LoopFixture f = new LoopFixture(Limits.of(100).linger(Duration.ofMillis(200))).assign(P0);
        f.records(P0, 0, 5);

        f.poll(3);
        assertThat(f.sink.sent()).isEmpty();

        f.clock.advance(Duration.ofMillis(200));
        f.poll(1);
        assertThat(f.sink.sent()).hasSize(1);
        assertThat(offsets(f.sink.sent(0), P0)).containsExactly(0L, 4L);
    }

    @Test
    void offsetsAreCommittedOnlyForTheAcknowledgedPrefixOfEachPartition() {
        LoopFixture f = new LoopFixture(Limits.of(2)).assign(P0, P1);
        f.records(P0, 0, 6);
        f.records(P1, 0, 2);
        f.poll(1);
        List<Batch> p0 = f.sink.sent().stream().filter(b -> b.offsets.containsKey(P0)).toList();
        Batch p1 = f.sink.sent().stream().filter(b -> b.offsets.containsKey(P1)).findFirst().orElseThrow();
        assertThat(p0).hasSize(3);

        f.sink.ack(p0.get(1)); // 2..3 before 0..1
        f.sink.ack(p1);
        f.poll(1);
        assertThat(f.committed(P0)).as("nothing before offset 2 is acknowledged").isEqualTo(-1);
        assertThat(f.committed(P1)).isEqualTo(2);

        f.sink.ack(p0.get(0));
        f.poll(1);
        assertThat(f.committed(P0)).isEqualTo(4);

        f.sink.ack(p0.get(2));
        f.poll(1);
        assertThat(f.committed(P0)).isEqualTo(6);
    }

    @Test
    void aBatchGivenUpHoldsBackTheCommitOfEverythingAfterIt() {
        LoopFixture f = new LoopFixture(Limits.of(2)).assign(P0);
        f.records(P0, 0, 6);
        f.poll(1);

        f.sink.ack(f.sink.sent(0));
        f.sink.giveUp(f.sink.sent(1));
        f.sink.ack(f.sink.sent(2));
        f.poll(2);

        assertThat(f.committed(P0)).isEqualTo(2);
        assertThat(f.worker.inFlightBytes()).as("a given-up batch no longer counts as held").isZero();
    }

    @Test
    void consumptionPausesWhileTooManyBytesAreUnacknowledgedAndResumesAfterAcks() {
        long record = LoopFixture.mappedSize(100);
        LoopFixture f = new LoopFixture(Limits.of(2).inFlight(6 * record, 8)).assign(P0, P1);
        f.records(P0, 0, 4, 100);
        f.poll(1);
        assertThat(f.consumer.paused()).isEmpty();

        f.records(P0, 4, 8, 100);
        f.poll(1);
        assertThat(f.worker.inFlightBytes()).as("the record at offset 0 is a little smaller")
                .isBetween(7 * record, 8 * record);
        assertThat(f.consumer.paused()).containsExactlyInAnyOrder(P0, P1);
        assertThat(f.gauge("stowage.ingest.paused")).isEqualTo(1.0);
        assertThat(f.gauge("stowage.ingest.in.flight.bytes")).isEqualTo(f.worker.inFlightBytes());

        f.records(P0, 8, 10, 100);
        f.poll(1);
        assertThat(f.sink.sent()).as("nothing is read while paused").hasSize(4);

        f.sink.ack(f.sink.sent(0));
        f.poll(1);
        assertThat(f.consumer.paused()).as("still above half of the limit").isNotEmpty();

        f.sink.ack(f.sink.sent(1));
        f.sink.ack(f.sink.sent(2));
        f.poll(1);
        assertThat(f.consumer.paused()).as("below half of the limit").isEmpty();
        assertThat(f.gauge("stowage.ingest.paused")).isZero();
        f.records(P0, 8, 10, 100);
        f.poll(1);
        assertThat(f.sink.sent()).hasSize(5);
    }

    @Test
    void consumptionPausesWhileSealedBatchesWaitForAFreeSlot() {
        LoopFixture f = new LoopFixture(Limits.of(1).inFlight(64 << 20, 1)).assign(P0);
        f.records(P0, 0, 3);
        f.poll(1);
        assertThat(f.sink.sent()).hasSize(1);
        assertThat(f.consumer.paused()).contains(P0);

        f.sink.ack(f.sink.sent(0));
        f.poll(1);
        f.sink.ack(f.sink.sent(1));
        f.poll(1);
        f.sink.ack(f.sink.sent(2));
        f.poll(1);

        assertThat(f.consumer.paused()).isEmpty();
        assertThat(f.committed(P0)).isEqualTo(3);
    }

    @Test
    void recordsWaitWithoutBlockingTheLoopUntilTheirTopicIdIsKnown() {
        String other = "late-topic";
        TopicPartition late = new TopicPartition(other, 0);
        LoopFixture f = new LoopFixture(Limits.of(1)).assign(P0, late);
        assertThat(f.topicIds.prefetched).as("looked up ahead on assignment").contains(LoopFixture.TOPIC, other);
        f.records(late, 0, 3);
        f.records(P0, 0, 1);

        f.poll(2);

        assertThat(f.sink.sent()).as("the other partitions go on").hasSize(1);
        assertThat(f.consumer.paused()).containsExactly(late);
        assertThat(f.consumer.position(late)).as("read again from the first record held back").isZero();

        f.topicIds.with(other, "5d1f0c3e-0000-4000-8000-000000000001");
        f.poll(1);
        assertThat(f.consumer.paused()).isEmpty();
        f.records(late, 0, 3); // what the broker serves again from the position sought back to
        f.poll(1);
        assertThat(f.sink.sent()).hasSize(4);
        assertThat(f.sink.sent(1).topicIds).containsExactly("5d1f0c3e-0000-4000-8000-000000000001");
    }

    @Test
    void consumedRecordsAreCountedPerTopicOnceTheirTopicIdIsKnown() {
        String other = "late-topic";
        TopicPartition late = new TopicPartition(other, 0);
        LoopFixture f = new LoopFixture(Limits.of(100)).assign(P0, P1, late);
        f.records(P0, 0, 3);
        f.records(P1, 0, 2);
        f.records(late, 0, 4);

        f.poll(1);

        assertThat(f.consumed(LoopFixture.TOPIC)).isEqualTo(5);
        assertThat(f.registry.find("stowage.ingest.records.consumed").tag("topic", other).counter())
                .as("held back until the topic id is known, so not consumed yet").isNull();
        f.topicIds.with(other, "5d1f0c3e-0000-4000-8000-000000000001");
        f.poll(1);
        f.records(late, 0, 4);
        f.poll(1);
        assertThat(f.consumed(other)).isEqualTo(4);
    }

    @Test
    void aTopicIdArrivingWhilePausedForBackpressureDoesNotResumeConsumption() {
        String other = "late-topic";
        TopicPartition late = new TopicPartition(other, 0);
        LoopFixture f = new LoopFixture(Limits.of(1).inFlight(64 << 20, 1)).assign(P0, late);
        f.records(late, 0, 1);
        f.records(P0, 0, 3);
        f.poll(1);
        assertThat(f.consumer.paused()).containsExactlyInAnyOrder(P0, late);

        f.topicIds.with(other, "5d1f0c3e-0000-4000-8000-000000000001");
        f.poll(1);

        assertThat(f.consumer.paused()).containsExactlyInAnyOrder(P0, late);
    }

    @Test
    void theLoopIsReadyWhileItPolls() {
        LoopFixture f = new LoopFixture(Limits.of(10)).assign(P0);
        f.poll(1);
        assertThat(f.worker.polledWithin(Duration.ofSeconds(60))).isTrue();

        f.clock.advance(Duration.ofSeconds(61));
        assertThat(f.worker.polledWithin(Duration.ofSeconds(60))).isFalse();

        f.poll(1);
        assertThat(f.worker.polledWithin(Duration.ofSeconds(60))).isTrue();
    }
}
