package io.stowage.server.testing;

import com.google.protobuf.ByteString;
import io.stowage.api.v1.AttributeValue;
import io.stowage.api.v1.Header;
import io.stowage.api.v1.KafkaRecord;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.TimestampType;
import io.stowage.common.message.Timestamps;
import java.time.Instant;
import java.util.Random;

/** Messages for tests. */
public final class Msgs {
    private Msgs() {}

    /** A CloudEvent with text data, placed at {@code time}. */
    public static Message event(String id, String source, String type, Instant time, String text) {
        return Message.newBuilder().setId(id).setSource(source).setSpecVersion("1.0").setType(type)
                .putAttributes("time", AttributeValue.newBuilder().setCeTimestamp(Timestamps.fromInstant(time)).build())
                .setTextData(text).build();
    }

    /** A Kafka record as the ingest worker maps it. */
    public static Message.Builder kafka(String id, String topic, int partition, long offset) {
        return Message.newBuilder().setId(id).setSource("kafka://cluster/" + topic).setSpecVersion("1.0")
                .setType("kafka.record")
                .setKafka(KafkaRecord.newBuilder().setTopic(topic).setPartition(partition).setOffset(offset)
                        .setTimestamp(1_700_000_000_000L + offset)
                        .setTimestampType(TimestampType.TIMESTAMP_TYPE_CREATE_TIME));
    }

    public static Header header(String key, byte[] valueOrNull) {
        Header.Builder h = Header.newBuilder().setKey(key);
        if (valueOrNull != null) {
            h.setValue(ByteString.copyFrom(valueOrNull));
        }
        return h.build();
    }

    public static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }
}
