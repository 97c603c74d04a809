package io.stowage.server.grpc;

import com.google.protobuf.Timestamp;
import io.stowage.api.v1.CommittedOffset;
import io.stowage.api.v1.GetCaptureRequest;
import io.stowage.api.v1.GetCaptureResponse;
import io.stowage.api.v1.GroupCapture;
import io.stowage.api.v1.PutCaptureRequest;
import io.stowage.api.v1.TopicCapture;
import io.stowage.common.message.Timestamps;
import io.stowage.server.storage.error.InvalidRequestException;
import io.stowage.server.storage.index.Capture;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Captures between protobuf and the index's {@link Capture}, validated on the way in: a request
 * that cannot be kept as it is fails whole with {@link InvalidRequestException}, naming the topic
 * or group and what to fix.
 */
final class CaptureMapping {
    /** How far a capture's time may be ahead of the server's clock: clocks of hosts kept by NTP differ by far less. */
    static final Duration MAX_CLOCK_AHEAD = Duration.ofMinutes(5);

    private CaptureMapping() {}

    /** The capture in {@code request}, checked against the server's time {@code now}. */
    static Capture capture(PutCaptureRequest request, Instant now) {
        if (!request.hasSeenAt() || !Timestamps.valid(request.getSeenAt())) {
            throw new InvalidRequestException("seen_at is missing or not a valid time: set it to when the state was"
                    + " read from the cluster");
        }
        Instant seen = Timestamps.toInstant(request.getSeenAt());
        // a capture from the future would stay "the latest" and hide every capture sent until then
        if (seen.isAfter(now.plus(MAX_CLOCK_AHEAD))) {
            throw new InvalidRequestException("seen_at " + seen + " is " + Duration.between(now, seen).toSeconds()
                    + " s after the server's clock (" + now + "), more than " + MAX_CLOCK_AHEAD.toMinutes()
                    + " minutes: the worker's clock is ahead; fix its time synchronization (NTP)");
        }
        String cluster = request.getClusterId();
        requireStorable("cluster_id", cluster);
        List<Capture.Topic> topics = new ArrayList<>();
        Set<String> topicNames = new HashSet<>();
        for (TopicCapture t : request.getTopicsList()) {
            requireName("topic", t.getTopic());
            requireStorable("the name of topic '" + printable(t.getTopic()) + "'", t.getTopic());
            t.getConfigsMap().forEach((name, value) -> {
                requireStorable("a config name of topic '" + t.getTopic() + "'", name);
                requireStorable("config " + name + " of topic '" + t.getTopic() + "'", value);
            });
            if (!topicNames.add(t.getTopic())) {
                throw new InvalidRequestException("topic '" + t.getTopic() + "' appears twice: send each topic once");
            }
            if (t.getPartitions() < 1 || t.getReplicationFactor() < 1) {
                throw new InvalidRequestException("topic '" + t.getTopic() + "' has " + t.getPartitions()
                        + " partitions and replication factor " + t.getReplicationFactor() + ": both must be at least 1");
            }
            topics.add(new Capture.Topic(cluster, t.getTopic(), t.getPartitions(), t.getReplicationFactor(),
                    t.getConfigsMap(), seen));
        }
        List<Capture.Group> groups = new ArrayList<>();
        Set<String> groupNames = new HashSet<>();
        for (GroupCapture g : request.getGroupsList()) {
            requireName("group", g.getGroup());
            requireStorable("the name of group '" + printable(g.getGroup()) + "'", g.getGroup());
            if (!groupNames.add(g.getGroup())) {
                throw new InvalidRequestException("group '" + g.getGroup() + "' appears twice: send each group once");
            }
            groups.add(new Capture.Group(cluster, g.getGroup(), offsets(g), seen));
        }
        return new Capture(topics, groups);
    }

    private static List<Capture.Offset> offsets(GroupCapture g) {
        List<Capture.Offset> offsets = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (CommittedOffset o : g.getOffsetsList()) {
            requireName("topic of an offset of group '" + g.getGroup() + "'", o.getTopic());
            requireStorable("a topic name in group '" + g.getGroup() + "'", o.getTopic());
            requireStorable("the commit metadata of group '" + g.getGroup() + "' on partition " + o.getPartition()
                    + " of topic '" + o.getTopic() + "'", o.getMetadata());
            if (o.getPartition() < 0 || o.getOffset() < 0) {
                throw new InvalidRequestException("group '" + g.getGroup() + "' has offset " + o.getOffset()
                        + " on partition " + o.getPartition() + " of topic '" + o.getTopic()
                        + "': partitions and offsets are never negative");
            }
            if (!seen.add(o.getTopic() + "\0" + o.getPartition())) {
                throw new InvalidRequestException("group '" + g.getGroup() + "' has two offsets on partition "
                        + o.getPartition() + " of topic '" + o.getTopic() + "': send one per partition");
            }
            offsets.add(new Capture.Offset(o.getTopic(), o.getPartition(), o.getOffset(), o.getMetadata()));
        }
        return offsets;
    }

    private static void requireName(String what, String name) {
        if (name.isEmpty()) {
            throw new InvalidRequestException("a " + what + " has an empty name: every " + what + " needs its name");
        }
    }

    /**
     * PostgreSQL's text cannot hold the NUL character: refused here, naming where it is, rather
     * than failing in the index as an internal error.
     */
    private static void requireStorable(String what, String value) {
        if (value.indexOf('\0') >= 0) {
            throw new InvalidRequestException(what + " holds a NUL character (U+0000), which the index cannot store:"
                    + " remove it from the value in Kafka, or veto the topic or group");
        }
    }

    private static String printable(String name) {
        return name.replace("\0", "\\0");
    }

    static Optional<Instant> at(GetCaptureRequest request) {
        if (!request.hasAt()) {
            return Optional.empty();
        }
        if (!Timestamps.valid(request.getAt())) {
            throw new InvalidRequestException("at is not a valid time");
        }
        return Optional.of(Timestamps.toInstant(request.getAt()));
    }

    static Optional<Pattern> topicPattern(GetCaptureRequest request) {
        String pattern = request.getTopicPattern();
        if (pattern.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Pattern.compile(pattern));
        } catch (PatternSyntaxException e) {
            throw new InvalidRequestException("topic_pattern is not a Java regular expression: "
                    + e.getDescription() + " near index " + e.getIndex() + " of " + pattern);
        }
    }

    static GetCaptureResponse response(Capture capture) {
        GetCaptureResponse.Builder b = GetCaptureResponse.newBuilder();
        for (Capture.Topic t : capture.topics()) {
            b.addTopics(TopicCapture.newBuilder().setTopic(t.name()).setPartitions(t.partitions())
                    .setReplicationFactor(t.replicationFactor()).putAllConfigs(t.configs())
                    .setSeenAt(time(t.seenAt())).setClusterId(t.clusterId()));
        }
        for (Capture.Group g : capture.groups()) {
            GroupCapture.Builder gb = GroupCapture.newBuilder().setGroup(g.name()).setSeenAt(time(g.seenAt()))
                    .setClusterId(g.clusterId());
            for (Capture.Offset o : g.offsets()) {
                gb.addOffsets(CommittedOffset.newBuilder().setTopic(o.topic()).setPartition(o.partition())
                        .setOffset(o.offset()).setMetadata(o.metadata()));
            }
            b.addGroups(gb);
        }
        return b.build();
    }

    private static Timestamp time(Instant t) {
        return Timestamps.fromInstant(t);
    }
}
