package io.stowage.cli;

import io.stowage.api.v1.CommittedOffset;
import io.stowage.api.v1.GroupCapture;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
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
 * {@code start + (restored records with original offset < c)}, counted from the index by the plan.
 */
final class GroupTranslator {
    /** One committed offset, before and after. */
    record Move(String topic, int partition, long oldOffset, String targetTopic, long newOffset) {}

    /** What happened to one group: moved, or refused with the reason. */
    record Outcome(String group, List<Move> moves, String refused) {}

    private final Admin admin;
    private final Map<String, RestorePlan.TopicPlan> topics = new HashMap<>();
    private final ToLongFunction<TopicPartition> start;

    /** @param start the target offset of a restored partition's first record (by target topic) */
    GroupTranslator(Admin admin, RestorePlan plan, ToLongFunction<TopicPartition> start) {
        this.admin = admin;
        plan.topics().forEach(t -> topics.put(t.stream(), t));
        this.start = start;
    }

    /** The translated offsets of a group, without committing them (for the plan). */
    List<Move> translate(GroupCapture group) {
        List<Move> moves = new ArrayList<>();
        for (CommittedOffset o : group.getOffsetsList()) {
            RestorePlan.TopicPlan t = topics.get(o.getTopic());
            if (t == null) {
                continue;
            }
            String target = t.topic();
            long before = t.recordsBelow(o.getPartition(), o.getOffset());
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
}
