package io.stowage.server.storage.index;

import java.time.Instant;
import java.util.List;

/**
 * What {@link MessageIndex#count} found: one row per Kafka partition holding messages in the
 * range, by partition; and one count per probe, in the order of the query's probes.
 */
public record CountResult(List<PartitionCount> partitions, List<Long> probes) {

    public CountResult {
        partitions = List.copyOf(partitions);
        probes = List.copyOf(probes);
    }

    /**
     * The messages of one partition in the range.
     *
     * @param bytes the length of their stored documents
     * @param oldest the earliest message time among them
     */
    public record PartitionCount(int partition, long messages, long bytes, long minOffset, long maxOffset,
            Instant oldest) {}
}
