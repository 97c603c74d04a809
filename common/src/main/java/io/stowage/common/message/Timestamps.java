package io.stowage.common.message;

import com.google.protobuf.Timestamp;
import java.time.Instant;

/** Conversions between protobuf {@link Timestamp} and {@link Instant}. */
public final class Timestamps {
    private Timestamps() {}

    public static Instant toInstant(Timestamp ts) {
        return Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos());
    }

    /** Whether the nanos are within 0 to 999,999,999, as the protobuf Timestamp requires. */
    public static boolean nanosValid(Timestamp ts) {
        return ts.getNanos() >= 0 && ts.getNanos() <= 999_999_999;
    }

    /** Whether {@code ts} is a valid protobuf Timestamp: nanos in range, years 1 to 9999. */
    public static boolean valid(Timestamp ts) {
        return nanosValid(ts) && ts.getSeconds() >= Messages.EARLIEST.getEpochSecond()
                && ts.getSeconds() <= Messages.LATEST.getEpochSecond();
    }

    public static Timestamp fromInstant(Instant instant) {
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }

    public static Timestamp fromMillis(long epochMillis) {
        return fromInstant(Instant.ofEpochMilli(epochMillis));
    }
}
