package io.stowage.ingest;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Which offsets may be committed: per partition, the ranges handed to batches in consumption
 * order, each marked when acknowledged. The committable offset is one past the last range of an
 * unbroken acknowledged prefix, so a record is committed only when it and everything before it
 * in its partition is stored. Used by the consumer thread only.
 */
final class OffsetTracker {
    private final Map<TopicPartition, Deque<Range>> ranges = new HashMap<>();
    private final Map<TopicPartition, Long> committable = new HashMap<>();

    /** Records {@code [first, last]} of {@code tp} are now in a batch. */
    Range track(TopicPartition tp, long first, long last) {
        Range r = new Range(first, last);
        ranges.computeIfAbsent(tp, k -> new ArrayDeque<>()).addLast(r);
        return r;
    }

    /** Marks ranges acknowledged and advances the committable offsets. */
    void acknowledge(Map<TopicPartition, Range> acked) {
        for (Map.Entry<TopicPartition, Range> e : acked.entrySet()) {
            e.getValue().acked = true;
            Deque<Range> queue = ranges.get(e.getKey());
            if (queue == null) {
                continue; // the partition was revoked meanwhile
            }
            while (!queue.isEmpty() && queue.peekFirst().acked) {
                committable.put(e.getKey(), queue.pollFirst().last + 1);
            }
        }
    }

    /** Offsets to commit now (and forget), for every partition that advanced. */
    Map<TopicPartition, OffsetAndMetadata> takeCommittable() {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        committable.forEach((tp, offset) -> out.put(tp, new OffsetAndMetadata(offset)));
        committable.clear();
        return out;
    }

    /** Offsets to commit for {@code partitions} only. */
    Map<TopicPartition, OffsetAndMetadata> takeCommittable(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        for (TopicPartition tp : partitions) {
            Long offset = committable.remove(tp);
            if (offset != null) {
                out.put(tp, new OffsetAndMetadata(offset));
            }
        }
        return out;
    }

    /** Forgets partitions that are no longer ours. */
    void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            ranges.remove(tp);
            committable.remove(tp);
        }
    }

    /** Offsets of one partition that one batch holds. */
    static final class Range {
        final long first;
        final long last;
        volatile boolean acked;

        Range(long first, long last) {
            this.first = first;
            this.last = last;
        }
    }
}
