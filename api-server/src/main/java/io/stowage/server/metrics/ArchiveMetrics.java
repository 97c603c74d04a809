package io.stowage.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.stowage.server.clean.CleanReport;

/**
 * What the archive does, counted where it happens: messages acknowledged and rejected by
 * PutBatch, the segments and bytes it writes, messages returned by GetBatch and Scan, messages
 * deleted, and what each clean removed. In Prometheus these are {@code stowage_archive_*} and
 * {@code stowage_clean_*}.
 */
public final class ArchiveMetrics {
    private final Counter acknowledged;
    private final Counter rejected;
    private final Counter segmentsWritten;
    private final Counter bytesWritten;
    private final Counter returned;
    private final Counter scanned;
    private final Counter deleted;
    private final Counter cleansDone;
    private final Counter cleansSkipped;
    private final Counter cleansFailed;
    private final Counter expired;
    private final Counter deletedSegments;
    private final Counter rewrittenSegments;
    private final Counter orphanedSegments;
    private final Counter bytesFreed;
    private final Timer cleanDuration;

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

        String runs = "stowage.clean.runs";
        String runsHelp = "Cleans, by outcome: done, skipped (another server was cleaning) or failed";
        cleansDone = Counter.builder(runs).description(runsHelp).tag("outcome", "done").register(registry);
        cleansSkipped = Counter.builder(runs).description(runsHelp).tag("outcome", "skipped").register(registry);
        cleansFailed = Counter.builder(runs).description(runsHelp).tag("outcome", "failed").register(registry);
        expired = counter(registry, "stowage.clean.expired.messages", "Messages removed by retention");
        deletedSegments = counter(registry, "stowage.clean.deleted.segments",
                "Segments deleted by clean because nothing in them was live");
        rewrittenSegments = counter(registry, "stowage.clean.rewritten.segments",
                "Segments rewritten by clean without their deleted messages");
        orphanedSegments = counter(registry, "stowage.clean.orphaned.segments",
                "Segments left by interrupted writes and removed by clean");
        bytesFreed = Counter.builder("stowage.clean.freed").baseUnit(BaseUnits.BYTES)
                .description("Bytes of segment objects freed by clean").register(registry);
        cleanDuration = Timer.builder("stowage.clean.duration").description("How long each clean took")
                .publishPercentileHistogram().register(registry);
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

    public void cleaned(CleanReport report) {
        if (!report.ran()) {
            cleansSkipped.increment();
            return;
        }
        cleansDone.increment();
        expired.increment(report.expiredMessages());
        deletedSegments.increment(report.deletedSegments());
        rewrittenSegments.increment(report.rewrittenSegments());
        orphanedSegments.increment(report.orphanedSegments());
        bytesFreed.increment(report.bytesFreed());
        cleanDuration.record(report.took());
    }

    public void cleanFailed() {
        cleansFailed.increment();
    }
}
