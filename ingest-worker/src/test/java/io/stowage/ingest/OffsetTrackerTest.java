package io.stowage.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetTrackerTest {
    static final TopicPartition A = new TopicPartition("a", 0);
    static final TopicPartition B = new TopicPartition("a", 1);

    final OffsetTracker tracker = new OffsetTracker();

    @Test
    void nothingIsCommittableBeforeTheFirstRangeIsAcknowledged() {
        tracker.track(A, 0, 9);
        OffsetTracker.Range second = tracker.track(A, 10, 19);

        tracker.acknowledge(Map.of(A, second));

        assertThat(tracker.takeCommittable()).isEmpty();
    }

    @Test
    void theCommittableOffsetIsOnePastTheAcknowledgedPrefix() {
        OffsetTracker.Range first = tracker.track(A, 0, 9);
        OffsetTracker.Range second = tracker.track(A, 10, 19);
        OffsetTracker.Range third = tracker.track(A, 20, 29);

        tracker.acknowledge(Map.of(A, second));
        tracker.acknowledge(Map.of(A, first));

        assertThat(tracker.takeCommittable()).containsExactly(Map.entry(A, new OffsetAndMetadata(20)));
        tracker.acknowledge(Map.of(A, third));
        assertThat(tracker.takeCommittable()).containsExactly(Map.entry(A, new OffsetAndMetadata(30)));
    }

    @Test
    void takenOffsetsAreNotOfferedAgain() {
        tracker.acknowledge(Map.of(A, tracker.track(A, 5, 7)));

        assertThat(tracker.takeCommittable()).hasSize(1);
        assertThat(tracker.takeCommittable()).isEmpty();
    }

    @Test
    void partitionsAdvanceIndependentlyAndOneBatchCanSpanSeveral() {
        OffsetTracker.Range a1 = tracker.track(A, 0, 4);
        OffsetTracker.Range a2 = tracker.track(A, 5, 6);
        OffsetTracker.Range b1 = tracker.track(B, 100, 101);

        tracker.acknowledge(Map.of(A, a2, B, b1)); // one batch with records of both partitions

        assertThat(tracker.takeCommittable()).containsExactly(Map.entry(B, new OffsetAndMetadata(102)));
        tracker.acknowledge(Map.of(A, a1));
        assertThat(tracker.takeCommittable()).containsExactly(Map.entry(A, new OffsetAndMetadata(7)));
    }

    @Test
    void committableOffsetsCanBeTakenForSomePartitionsOnly() {
        tracker.acknowledge(Map.of(A, tracker.track(A, 0, 1), B, tracker.track(B, 0, 3)));

        assertThat(tracker.takeCommittable(List.of(A))).containsExactly(Map.entry(A, new OffsetAndMetadata(2)));
        assertThat(tracker.takeCommittable()).containsExactly(Map.entry(B, new OffsetAndMetadata(4)));
    }

    @Test
    void aForgottenPartitionIgnoresLateAcknowledgementsAndStartsAfreshWhenItComesBack() {
        OffsetTracker.Range before = tracker.track(A, 0, 9);
        tracker.forget(List.of(A));

        tracker.acknowledge(Map.of(A, before));
        assertThat(tracker.takeCommittable()).isEmpty();

        OffsetTracker.Range again = tracker.track(A, 0, 4); // assigned back, consumed again from the last commit
        tracker.acknowledge(Map.of(A, before));
        assertThat(tracker.takeCommittable()).as("the old range is not part of the new queue").isEmpty();
        tracker.acknowledge(Map.of(A, again));
        assertThat(tracker.takeCommittable()).containsExactly(Map.entry(A, new OffsetAndMetadata(5)));
    }

    @Test
    void forgettingDropsWhatWasCommittableButNotTaken() {
        tracker.acknowledge(Map.of(A, tracker.track(A, 0, 1)));
        tracker.forget(List.of(A));

        assertThat(tracker.takeCommittable()).isEmpty();
    }
}
