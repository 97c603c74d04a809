package io.stowage.server.storage.index;

import java.time.Instant;

/** What the archive holds of one stream. */
public record StreamStats(String stream, long messages, long bytes, Instant firstTime, Instant lastTime,
        long segments, long segmentBytes) {}
