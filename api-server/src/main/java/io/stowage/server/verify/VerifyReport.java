package io.stowage.server.verify;

import java.time.Duration;

/** The outcome of a verify. */
public record VerifyReport(long messagesChecked, long objectsChecked, long problems, long repaired, Duration took) {}
