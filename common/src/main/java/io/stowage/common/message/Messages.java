package io.stowage.common.message;

import io.stowage.api.v1.AttributeValue;
import io.stowage.api.v1.Message;
import java.time.Instant;

/** What the archive derives from a message: the stream it belongs to and its time. */
public final class Messages {
    /** The CloudEvents attribute that carries the event time. */
    public static final String TIME_ATTRIBUTE = "time";

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
        if (msg.hasKafka() && msg.getKafka().getTimestamp() >= 0) {
            return Instant.ofEpochMilli(msg.getKafka().getTimestamp());
        }
        return storedAt;
    }
}
