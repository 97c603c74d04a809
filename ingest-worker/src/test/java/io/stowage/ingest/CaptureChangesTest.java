package io.stowage.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.api.v1.CommittedOffset;
import io.stowage.api.v1.GroupCapture;
import io.stowage.api.v1.PutCaptureRequest;
import io.stowage.api.v1.TopicCapture;
import org.junit.jupiter.api.Test;

/** A capture sends only what changed since the server last stored it. */
class CaptureChangesTest {
    private static TopicCapture topic(String name, String retention) {
        return TopicCapture.newBuilder().setTopic(name).setPartitions(3).setReplicationFactor(1)
                .putConfigs("retention.ms", retention).build();
    }

    private static GroupCapture group(String name, long offset) {
        return GroupCapture.newBuilder().setGroup(name)
                .addOffsets(CommittedOffset.newBuilder().setTopic("a").setPartition(0).setOffset(offset)).build();
    }

    private static PutCaptureRequest capture(TopicCapture a, TopicCapture b, GroupCapture g) {
        return PutCaptureRequest.newBuilder().setClusterId("c").addTopics(a).addTopics(b).addGroups(g).build();
    }

    @Test
    void theFirstCaptureIsSentWhole() {
        PutCaptureRequest full = capture(topic("a", "1"), topic("b", "1"), group("g", 5));

        assertThat(new CaptureChanges().changed(full)).isEqualTo(full);
    }

    @Test
    void onlyTopicsAndGroupsThatChangedSinceTheLastStoredCaptureAreSentAgain() {
        CaptureChanges changes = new CaptureChanges();
        changes.sent(changes.changed(capture(topic("a", "1"), topic("b", "1"), group("g", 5))));

        PutCaptureRequest same = changes.changed(capture(topic("a", "1"), topic("b", "1"), group("g", 5)));
        PutCaptureRequest moved = changes.changed(capture(topic("a", "1"), topic("b", "2"), group("g", 6)));

        assertThat(same.getTopicsList()).isEmpty();
        assertThat(same.getGroupsList()).isEmpty();
        assertThat(same.getClusterId()).isEqualTo("c");
        assertThat(moved.getTopicsList()).containsExactly(topic("b", "2"));
        assertThat(moved.getGroupsList()).containsExactly(group("g", 6));
    }

    @Test
    void whatWasNotStoredIsSentAgain() {
        CaptureChanges changes = new CaptureChanges();
        PutCaptureRequest full = capture(topic("a", "1"), topic("b", "1"), group("g", 5));
        changes.changed(full); // the put failed: nothing remembered

        assertThat(changes.changed(full)).isEqualTo(full);
    }

    @Test
    void aGroupSentBeforeAndAbsentNowIsSentOnceWithNoOffsets() {
        CaptureChanges changes = new CaptureChanges();
        changes.sent(changes.changed(capture(topic("a", "1"), topic("b", "1"), group("g", 5))));
        PutCaptureRequest withoutGroup = PutCaptureRequest.newBuilder().setClusterId("c")
                .addTopics(topic("a", "1")).addTopics(topic("b", "1")).build();

        PutCaptureRequest gone = changes.changed(withoutGroup);
        changes.sent(gone);
        PutCaptureRequest stillGone = changes.changed(withoutGroup);
        PutCaptureRequest back = changes.changed(capture(topic("a", "1"), topic("b", "1"), group("g", 5)));

        assertThat(gone.getTopicsList()).isEmpty();
        assertThat(gone.getGroupsList()).containsExactly(GroupCapture.newBuilder().setGroup("g").build());
        assertThat(stillGone.getGroupsList()).isEmpty();
        assertThat(back.getGroupsList()).containsExactly(group("g", 5));
    }

    @Test
    void everyHourTheCaptureGoesOutWholeGoneGroupsIncluded() {
        CaptureChanges changes = new CaptureChanges();
        PutCaptureRequest first = capture(topic("a", "1"), topic("b", "1"), group("g", 5));
        changes.sent(changes.changed(at(first, 0)));
        PutCaptureRequest withoutGroup = first.toBuilder().clearGroups().build();
        changes.sent(changes.changed(at(withoutGroup, 60))); // g gone

        PutCaptureRequest halfAnHourLater = changes.changed(at(withoutGroup, 1800));
        changes.sent(halfAnHourLater);
        PutCaptureRequest anHourLater = changes.changed(at(withoutGroup, 3600));
        changes.sent(anHourLater);
        PutCaptureRequest afterThat = changes.changed(at(withoutGroup, 3660));

        assertThat(halfAnHourLater.getTopicsList()).isEmpty();
        assertThat(halfAnHourLater.getGroupsList()).isEmpty();
        assertThat(anHourLater.getTopicsList()).containsExactly(topic("a", "1"), topic("b", "1"));
        assertThat(anHourLater.getGroupsList()).containsExactly(GroupCapture.newBuilder().setGroup("g").build());
        assertThat(afterThat.getTopicsList()).isEmpty();
        assertThat(afterThat.getGroupsList()).isEmpty();
    }

    private static PutCaptureRequest at(PutCaptureRequest capture, long seconds) {
        return capture.toBuilder().setSeenAt(com.google.protobuf.Timestamp.newBuilder().setSeconds(seconds)).build();
    }
}
