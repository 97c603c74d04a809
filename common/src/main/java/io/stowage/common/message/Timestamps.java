package io.stowage.common.message;

import com.google.protobuf.Timestamp;
import java.time.Instant;

/** Conversions between protobuf {@link Timestamp} and {@link Instant}. */
public final class Timestamps {
    private Timestamps() {}

    public static Instant toInstant(Timestamp ts) {
        return Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos());
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
