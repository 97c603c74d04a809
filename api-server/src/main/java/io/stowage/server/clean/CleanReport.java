package io.stowage.server.clean;

import java.time.Duration;

/**
 * What a clean did.
 *
 * @param ran false when another server was cleaning and this one left it alone
 */
public record CleanReport(boolean ran, long expiredMessages, long deletedSegments, long rewrittenSegments,
        long orphanedSegments, long bytesFreed, Duration took) {

    @Override
    public String toString() {
        if (!ran) {
            return "skipped: another server is cleaning";
        }
        return expiredMessages + " expired messages, " + deletedSegments + " segments deleted, " + rewrittenSegments
                + " rewritten, " + orphanedSegments + " orphans removed, " + bytesFreed + " bytes freed in "
                + took.toMillis() + " ms";
    }
}
