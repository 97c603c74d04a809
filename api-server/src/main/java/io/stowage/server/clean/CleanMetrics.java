package io.stowage.server.clean;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;

/**
 * What each clean did, counted as it finishes: runs by outcome, what they removed and how long
 * they took. In Prometheus these are {@code stowage_clean_*}.
 */
public final class CleanMetrics {
    private final Counter cleansDone;
    private final Counter cleansSkipped;
    private final Counter cleansFailed;
    private final Counter expired;
    private final Counter deletedSegments;
    private final Counter rewrittenSegments;
    private final Counter orphanedSegments;
    private final Counter mergedSegments;
    private final Counter replacedSegments;
    private final Counter bytesFreed;
    private final Timer cleanDuration;

    public CleanMetrics(MeterRegistry registry) {
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
        mergedSegments = counter(registry, "stowage.clean.merged.segments",
                "Segments written by clean from the small segments of a closed hour");
        replacedSegments = counter(registry, "stowage.clean.replaced.segments",
                "Small segments of a closed hour that clean merged into bigger ones");
        bytesFreed = Counter.builder("stowage.clean.freed").baseUnit(BaseUnits.BYTES)
                .description("Bytes of segment objects freed by clean").register(registry);
        cleanDuration = Timer.builder("stowage.clean.duration").description("How long each clean took")
                .publishPercentileHistogram().register(registry);
    }

    private static Counter counter(MeterRegistry registry, String name, String description) {
        return Counter.builder(name).description(description).register(registry);
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
        mergedSegments.increment(report.mergedSegments());
        replacedSegments.increment(report.replacedSegments());
        bytesFreed.increment(report.bytesFreed());
        cleanDuration.record(report.took());
    }

    public void cleanFailed() {
        cleansFailed.increment();
    }
}
