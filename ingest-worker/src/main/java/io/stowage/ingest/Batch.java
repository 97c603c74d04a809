package io.stowage.ingest;

import io.stowage.api.v1.Message;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/** Records on their way to one PutBatch, with the topic id of each and the offsets they cover. */
final class Batch {
    final List<Message> messages = new ArrayList<>();
    final List<String> topicIds = new ArrayList<>();
    final Map<TopicPartition, long[]> offsets = new HashMap<>();
    final long openedAtMillis;
    long bytes;
    Map<TopicPartition, OffsetTracker.Range> ranges;

    Batch(long openedAtMillis) {
        this.openedAtMillis = openedAtMillis;
    }

    void add(Message msg, String topicId, TopicPartition tp, long offset, long size) {
        messages.add(msg);
        topicIds.add(topicId);
        bytes += size;
        long[] range = offsets.get(tp);
        if (range == null) {
            offsets.put(tp, new long[] {offset, offset});
        } else {
            range[1] = offset;
        }
    }

    int size() {
        return messages.size();
    }

    boolean isEmpty() {
        return messages.isEmpty();
    }

    long ageMillis(long nowMillis) {
        return nowMillis - openedAtMillis;
    }
}
