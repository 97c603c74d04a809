package io.stowage.cli;

import io.stowage.api.v1.CommittedOffset;
import io.stowage.api.v1.GroupCapture;
import io.stowage.api.v1.ScanResult;
import io.stowage.client.StowageClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;

/**
 * Moves captured consumer groups onto the restored topics. A committed offset {@code c} of an
 * original partition becomes the target offset of the first restored record whose original
 * offset is at or after {@code c}, or the end of the restored partition: the restored records of
 * a partition sit at consecutive target offsets from the partition's start offset, so that is
 * {@code start + (restored records with original offset < c)}, counted from the index.
 */
final class GroupTranslator {
    /** One committed offset, before and after. */
    record Move(String topic, int partition, long oldOffset, String targetTopic, long newOffset) {}

    /** What happened to one group: moved, or refused with the reason. */
    record Outcome(String group, List<Move> moves, String refused) {}

    private final Admin admin;
    private final StowageClient client;
    private final Instant until;
    private final Map<String, String> targets;
    private final ToLongFunction<TopicPartition> start;
    private final Map<String, long[]> originals = new HashMap<>();

    /**
     * @param targets archived stream to restored topic
     * @param start   the target offset of a restored partition's first record (by target topic)
     */
    GroupTranslator(Admin admin, StowageClient client, Instant until, Map<String, String> targets,
            ToLongFunction<TopicPartition> start) {
        this.admin = admin;
        this.client = client;
        this.until = until;
        this.targets = targets;
        this.start = start;
    }

    /** The translated offsets of a group, without committing them (for the plan). */
    List<Move> translate(GroupCapture group) {
        List<Move> moves = new ArrayList<>();
        for (CommittedOffset o : group.getOffsetsList()) {
            String target = targets.get(o.getTopic());
            if (target == null) {
                continue;
            }
            long before = countBefore(o.getTopic(), o.getPartition(), o.getOffset());
            moves.add(new Move(o.getTopic(), o.getPartition(), o.getOffset(), target,
                    start.applyAsLong(new TopicPartition(target, o.getPartition())) + before));
        }
        return moves;
    }

    /** Commits the translated offsets of a group that is not active on the target; refuses one that is. */
    Outcome apply(GroupCapture group) throws Exception {
        String state = state(group.getGroup());
        if (state != null) {
            return new Outcome(group.getGroup(), List.of(), state);
        }
        List<Move> moves = translate(group);
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        Map<String, String> metadata = new HashMap<>();
        group.getOffsetsList().forEach(o -> metadata.put(o.getTopic() + "/" + o.getPartition(), o.getMetadata()));
        for (Move m : moves) {
            offsets.put(new TopicPartition(m.targetTopic(), m.partition()), new OffsetAndMetadata(m.newOffset(),
                    metadata.get(m.topic() + "/" + m.partition())));
        }
        TargetTopic.get(admin.alterConsumerGroupOffsets(group.getGroup(), offsets).all());
        return new Outcome(group.getGroup(), moves, null);
    }

    /** Why the group must not be touched (it has members or is rebalancing), or null when it is Empty or Dead. */
    private String state(String group) throws Exception {
        ConsumerGroupDescription d;
        try {
            d = TargetTopic.get(admin.describeConsumerGroups(List.of(group)).all()).get(group);
        } catch (GroupIdNotFoundException e) {
            return null;
        }
        GroupState s = d.groupState();
        if (s == GroupState.EMPTY || s == GroupState.DEAD) {
            return null;
        }
        return "group " + group + " is " + s + " on the target with " + d.members().size() + " member(s)"
                + (d.members().isEmpty() ? "" : " (" + d.members().iterator().next().clientId() + ", ...)")
                + ": stop its consumers and run the same restore again to move it";
    }

    /** Restored records of a partition whose original offset is below {@code offset}. */
    private long countBefore(String stream, int partition, long offset) {
        long[] offsets = originals.computeIfAbsent(stream + "/" + partition, k -> originalOffsets(stream, partition));
        int i = Arrays.binarySearch(offsets, offset);
        return i >= 0 ? i : -i - 1;
    }

    /** The original offsets of a partition's restored records, ascending, from the index alone. */
    private long[] originalOffsets(String stream, int partition) {
        try (Stream<ScanResult> ids = client.scan(RestorePlan.scan(stream, partition, until, "", true))) {
            return ids.mapToLong(ScanResult::getKafkaOffset).toArray();
        }
    }
}
