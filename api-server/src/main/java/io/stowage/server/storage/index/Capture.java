package io.stowage.server.storage.index;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the ingest worker saw of a Kafka cluster, beside its records: the shape and configuration
 * of archived topics and the committed offsets of consumer groups, each with the time it was seen.
 * A restore recreates topics from it and moves groups to the translated offsets.
 */
public record Capture(List<Topic> topics, List<Group> groups) {
    public static final Capture EMPTY = new Capture(List.of(), List.of());

    public Capture {
        topics = List.copyOf(topics);
        groups = List.copyOf(groups);
    }

    /**
     * Only the topics whose whole name matches {@code pattern}, and of each group only its offsets
     * on those topics; a group left with no offset is left out.
     */
    public Capture onlyTopics(Pattern pattern) {
        List<Topic> kept = topics.stream().filter(t -> pattern.matcher(t.name()).matches()).toList();
        List<Group> keptGroups = groups.stream()
                .map(g -> g.withOffsets(g.offsets().stream().filter(o -> pattern.matcher(o.topic()).matches()).toList()))
                .filter(g -> !g.offsets().isEmpty())
                .toList();
        return new Capture(kept, keptGroups);
    }

    /** A topic as seen: partition count, replication factor, and the configuration set on the topic itself. */
    public record Topic(String clusterId, String name, int partitions, int replicationFactor,
            Map<String, String> configs, Instant seenAt) {
        public Topic {
            configs = Map.copyOf(configs);
        }
    }

    /** A consumer group's committed offsets on archived topics, as seen. */
    public record Group(String clusterId, String name, List<Offset> offsets, Instant seenAt) {
        public Group {
            offsets = List.copyOf(offsets);
        }

        Group withOffsets(List<Offset> kept) {
            return new Group(clusterId, name, kept, seenAt);
        }
    }

    /** One committed offset: the next offset the group reads, and the commit's metadata as it was. */
    public record Offset(String topic, int partition, long offset, String metadata) {}
}
