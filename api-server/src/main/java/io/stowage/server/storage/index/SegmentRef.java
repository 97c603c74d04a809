package io.stowage.server.storage.index;

import java.time.Instant;

/** A segment as the cleaner sees it. */
public record SegmentRef(long id, String objectKey, String stream, String type, long sizeBytes, int liveCount, long liveBytes,
        Instant minTime, Instant maxTime) {}
