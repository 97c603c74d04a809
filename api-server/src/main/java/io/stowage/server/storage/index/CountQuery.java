package io.stowage.server.storage.index;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What to count of one stream (optionally one type): the messages archived from Kafka with
 * {@code from <= time < to}, per Kafka partition, and for each probe those of its partition below
 * its offset. The same range as a {@link ScanQuery} in Kafka order over the same bounds.
 */
public record CountQuery(String stream, Optional<String> type, Instant from, Instant to, List<Probe> probes) {

    public CountQuery {
        probes = List.copyOf(probes);
    }

    /** The messages of {@code partition} in the range with a Kafka offset below {@code belowOffset}. */
    public record Probe(int partition, long belowOffset) {}
}
