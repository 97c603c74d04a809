package io.stowage.server.storage.index;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What to count of one stream (optionally one type): the messages archived from Kafka with
 * {@code from <= time < to}, per Kafka partition, and for each probe those of its partition below
 * its offset. The same rows as a {@link ScanQuery} in Kafka order over the same bounds, after the
 * same position: what is left of a scan that was interrupted there.
 */
public record CountQuery(String stream, Optional<String> type, Instant from, Instant to,
        Optional<ScanPosition> after, List<Probe> probes) {

    public CountQuery {
        probes = List.copyOf(probes);
    }

    /** From the start of the range. */
    public CountQuery(String stream, Optional<String> type, Instant from, Instant to, List<Probe> probes) {
        this(stream, type, from, to, Optional.empty(), probes);
    }

    /** The messages of {@code partition} in the range with a Kafka offset below {@code belowOffset}. */
    public record Probe(int partition, long belowOffset) {}
}
