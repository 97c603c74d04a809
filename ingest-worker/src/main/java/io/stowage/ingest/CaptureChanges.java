package io.stowage.ingest;

import io.stowage.api.v1.GroupCapture;
import io.stowage.api.v1.PutCaptureRequest;
import io.stowage.api.v1.TopicCapture;
import java.util.HashMap;
import java.util.Map;

/**
 * What the server has been sent: a capture goes out with only the topics and groups whose state
 * changed since, so that a topic whose configuration stays the same for a year is one row, not
 * one per interval. The server answers "the latest state at or before a time" from the rows it has,
 * which is the same state. Used by one thread.
 */
final class CaptureChanges {
    private final Map<String, TopicCapture> topics = new HashMap<>();
    private final Map<String, GroupCapture> groups = new HashMap<>();

    /** {@code full} without the topics and groups last sent in the same state. */
    PutCaptureRequest changed(PutCaptureRequest full) {
        PutCaptureRequest.Builder b = full.toBuilder().clearTopics().clearGroups();
        full.getTopicsList().stream().filter(t -> !t.equals(topics.get(t.getTopic()))).forEach(b::addTopics);
        full.getGroupsList().stream().filter(g -> !g.equals(groups.get(g.getGroup()))).forEach(b::addGroups);
        return b.build();
    }

    /** Remembers what the server stored. */
    void sent(PutCaptureRequest stored) {
        stored.getTopicsList().forEach(t -> topics.put(t.getTopic(), t));
        stored.getGroupsList().forEach(g -> groups.put(g.getGroup(), g));
    }
}
