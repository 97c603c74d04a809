package io.stowage.common.message;

import io.stowage.api.v1.AttributeValue;
import io.stowage.api.v1.Message;
import java.time.Instant;

/** What the archive derives from a message: the stream it belongs to and its time. */
public final class Messages {
    /** The CloudEvents attribute that carries the event time. */
    public static final String TIME_ATTRIBUTE = "time";
    /** The times the archive can place: the range of protobuf timestamps, years 1 to 9999. */
    public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private Messages() {}

    /** The Kafka topic for a message archived from Kafka, else its CloudEvent source. */
    public static String stream(Message msg) {
        return msg.hasKafka() ? msg.getKafka().getTopic() : msg.getSource();
    }

    /**
     * The time that places a message in the archive: its {@code time} attribute, else the Kafka
     * record timestamp (when the record has one), else the time it was stored.
     */
    public static Instant time(Message msg, Instant storedAt) {
        AttributeValue time = msg.getAttributesMap().get(TIME_ATTRIBUTE);
        if (time != null && time.hasCeTimestamp()) {
            return Timestamps.toInstant(time.getCeTimestamp());
        }
        if (msg.hasKafka() && placeable(msg.getKafka().getTimestamp())) {
            return Instant.ofEpochMilli(msg.getKafka().getTimestamp());
        }
        return storedAt;
    }

    /** Whether a Kafka timestamp (epoch ms) is a time the archive can place (a record may carry anything). */
    public static boolean placeable(long epochMillis) {
        return epochMillis >= 0 && epochMillis <= LATEST.toEpochMilli();
    }

    /** Whether {@code t} is within the times the archive can place. */
    public static boolean placeable(Instant t) {
        return !t.isBefore(EARLIEST) && !t.isAfter(LATEST);
    }
}
