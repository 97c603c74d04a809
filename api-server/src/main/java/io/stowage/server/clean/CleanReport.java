package io.stowage.server.clean;

import java.time.Duration;

/**
 * What a clean did.
 *
 * @param ran false when another server was cleaning and this one left it alone
 * @param mergedSegments segments written by merging small segments of closed hours
 * @param replacedSegments the small segments those replaced
 */
public record CleanReport(boolean ran, long expiredMessages, long deletedSegments, long rewrittenSegments,
        long orphanedSegments, long mergedSegments, long replacedSegments, long bytesFreed, Duration took) {
    /** Why a clean did not run. */
    public static final String SKIPPED = "another server of the cluster is cleaning now; its clean does the work";

    @Override
    public String toString() {
        if (!ran) {
            return "skipped: " + SKIPPED;
        }
        return expiredMessages + " expired messages, " + deletedSegments + " segments deleted, " + rewrittenSegments
                + " rewritten, " + orphanedSegments + " orphans removed, " + replacedSegments + " small segments merged into "
                + mergedSegments + ", " + bytesFreed + " bytes freed in "
                + took.toMillis() + " ms";
    }
}
