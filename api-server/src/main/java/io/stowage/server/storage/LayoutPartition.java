package io.stowage.server.storage;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Where a message belongs in the layout: stream, type and the UTC hour of its time. */
record LayoutPartition(String stream, String type, Instant hour) {

    static LayoutPartition of(String stream, String type, Instant time) {
        return new LayoutPartition(stream, type, time.truncatedTo(ChronoUnit.HOURS));
    }

    String newSegmentKey(SegmentFormat format) {
        return ObjectKeys.segmentKey(stream, type, hour, SegmentNames.next(), format.suffix());
    }
}
