package io.stowage.server.storage.index;

import java.time.Instant;

/** A segment about to be written: registered as pending before its object is written. */
public record NewSegment(String objectKey, String stream, String type, long sizeBytes, int messageCount,
        Instant minTime, Instant maxTime) {}
