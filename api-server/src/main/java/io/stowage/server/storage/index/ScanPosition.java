package io.stowage.server.storage.index;

import java.time.Instant;

/** A place in the (time, id) order of a scan: the last result returned. */
public record ScanPosition(Instant time, String id) {}
