package io.stowage.server.clean;

import java.time.Duration;

/**
 * How the cleaner works.
 *
 * @param retention what to keep
 * @param pendingGrace a segment still pending after this long was abandoned by its writer
 * @param minDeadRatio rewrite a segment once this share of its bytes is deleted (0: any)
 * @param segmentTargetBytes merge the smaller segments of a closed hour into segments of up to
 *     this size (0: no merging)
 */
public record CleanSettings(RetentionPolicy retention, Duration pendingGrace, double minDeadRatio,
        long segmentTargetBytes) {
    /** Without merging. */
    public CleanSettings(RetentionPolicy retention, Duration pendingGrace, double minDeadRatio) {
        this(retention, pendingGrace, minDeadRatio, 0);
    }
}
