package io.stowage.ingest;

import io.stowage.api.v1.GroupCapture;
import io.stowage.api.v1.PutCaptureRequest;
import io.stowage.api.v1.TopicCapture;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the server has been sent: a capture goes out with only the topics and groups whose state
 * changed since, so that a topic whose configuration stays the same for a year is one row, not
 * one per interval. The server answers "the latest state at or before a time" from the rows it has,
 * which is the same state. Every hour a capture goes out whole (gone groups included), so that an
 * index restored from a backup, or one that lost rows, gets the complete state again. Used by one
 * thread.
 */
final class CaptureChanges {
    /** How often a capture goes out whole, by the captures' times. */
    static final Duration WHOLE_EVERY = Duration.ofHours(1);

    private final Map<String, TopicCapture> topics = new HashMap<>();
    private final Map<String, GroupCapture> groups = new HashMap<>();
    /** When the last whole capture the server stored was seen; none before the first. */
    private Optional<Instant> lastWhole = Optional.empty();

    /**
     * {@code full} without the topics and groups last sent in the same state. A group sent before
     * with offsets and absent from {@code full} (deleted, its offsets expired, or no longer on an
     * archived topic) goes out with no offsets, which the server keeps as "gone from then on":
     * otherwise its last offsets would stay current forever. Topics are not sent as gone: a restore
     * recreates topics from what is archived, the capture only gives their shape.
     */
    PutCaptureRequest changed(PutCaptureRequest full) {
        boolean whole = wholeDue(full);
        PutCaptureRequest.Builder b = full.toBuilder().clearTopics().clearGroups();
        full.getTopicsList().stream().filter(t -> whole || !t.equals(topics.get(t.getTopic()))).forEach(b::addTopics);
        full.getGroupsList().stream().filter(g -> whole || !g.equals(groups.get(g.getGroup()))).forEach(b::addGroups);
        Set<String> present = new HashSet<>();
        full.getGroupsList().forEach(g -> present.add(g.getGroup()));
        new TreeMap<>(groups).forEach((name, last) -> {
            if (!present.contains(name) && (whole || last.getOffsetsCount() > 0)) {
                b.addGroups(GroupCapture.newBuilder().setGroup(name));
            }
        });
        return b.build();
    }

    /** Remembers what the server stored. */
    void sent(PutCaptureRequest stored) {
        if (wholeDue(stored)) { // the same test as when it was made: it went out whole
            lastWhole = Optional.of(seen(stored));
        }
        stored.getTopicsList().forEach(t -> topics.put(t.getTopic(), t));
        stored.getGroupsList().forEach(g -> groups.put(g.getGroup(), g));
    }

    private boolean wholeDue(PutCaptureRequest capture) {
        return lastWhole.map(t -> !seen(capture).isBefore(t.plus(WHOLE_EVERY))).orElse(true);
    }

    private static Instant seen(PutCaptureRequest capture) {
        return Instant.ofEpochSecond(capture.getSeenAt().getSeconds(), capture.getSeenAt().getNanos());
    }
}
