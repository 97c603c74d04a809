package io.stowage.server.storage.index;

import java.time.Instant;
import java.util.Optional;

/**
 * Messages of one stream (optionally one type) with {@code from <= time < to}, after a position,
 * in (time, id) order.
 */
public record ScanQuery(String stream, Optional<String> type, Instant from, Instant to,
        Optional<ScanPosition> after, int limit) {}
