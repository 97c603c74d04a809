package io.stowage.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;

/**
 * What the archive does, counted where it happens: messages acknowledged and rejected by
 * PutBatch, the segments and bytes it writes, messages returned by GetBatch and Scan, messages
 * deleted. In Prometheus these are {@code stowage_archive_*}; what each clean removes is counted
 * by {@code CleanMetrics} in the clean package.
 */
public final class ArchiveMetrics {
    private final Counter acknowledged;
    private final Counter rejected;
    private final Counter segmentsWritten;
    private final Counter bytesWritten;
    private final Counter returned;
    private final Counter scanned;
    private final Counter deleted;

    public ArchiveMetrics(MeterRegistry registry) {
        acknowledged = counter(registry, "stowage.archive.put.acknowledged",
                "Messages acknowledged by PutBatch: stored now, or before with the same content");
        rejected = counter(registry, "stowage.archive.put.rejected",
                "Messages not stored by PutBatch because their id is stored with other content");
        segmentsWritten = counter(registry, "stowage.archive.segments.written", "Segment objects written by PutBatch");
        bytesWritten = Counter.builder("stowage.archive.written").baseUnit(BaseUnits.BYTES)
                .description("Bytes of segment objects written by PutBatch").register(registry);
        returned = counter(registry, "stowage.archive.get.returned", "Messages returned by GetBatch");
        scanned = counter(registry, "stowage.archive.scan.returned", "Results sent by Scan");
        deleted = counter(registry, "stowage.archive.deleted", "Messages deleted by DeleteBatch");
    }

    private static Counter counter(MeterRegistry registry, String name, String description) {
        return Counter.builder(name).description(description).register(registry);
    }

    public void put(int acknowledgedMessages, int rejectedMessages) {
        acknowledged.increment(acknowledgedMessages);
        rejected.increment(rejectedMessages);
    }

    public void segmentWritten(long bytes) {
        segmentsWritten.increment();
        bytesWritten.increment(bytes);
    }

    public void returned(int messages) {
        returned.increment(messages);
    }

    public void scanned(long results) {
        scanned.increment(results);
    }

    public void deleted(long messages) {
        deleted.increment(messages);
    }
}
