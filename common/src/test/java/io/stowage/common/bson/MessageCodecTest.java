package io.stowage.common.bson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.stowage.api.v1.AttributeValue;
import io.stowage.api.v1.Header;
import io.stowage.api.v1.KafkaRecord;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.TimestampType;
import java.time.Instant;
import java.util.Random;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Test;

class MessageCodecTest {
    private static final Instant STORED = Instant.parse("2024-05-06T07:08:09.123Z");

    @Test
    void cloudEventWithEveryAttributeKindRoundTrips() {
        Message msg = Message.newBuilder()
                .setId("3426d090-1b8a-4a09-ac9c-41f2de24d5ac")
                .setSource("example/uri")
                .setSpecVersion("1.0")
                .setType("example.type")
                .putAttributes("subject", AttributeValue.newBuilder().setCeString("Yoda").build())
                .putAttributes("time", AttributeValue.newBuilder()
                        .setCeTimestamp(Timestamp.newBuilder().setSeconds(484660925).setNanos(250_000_000)).build())
                .putAttributes("precise", AttributeValue.newBuilder()
                        .setCeTimestamp(Timestamp.newBuilder().setSeconds(-5).setNanos(123_456_789)).build())
                .putAttributes("flag", AttributeValue.newBuilder().setCeBoolean(true).build())
                .putAttributes("count", AttributeValue.newBuilder().setCeInteger(-42).build())
                .putAttributes("raw", AttributeValue.newBuilder().setCeBytes(ByteString.copyFrom(new byte[] {0, 1, -1})).build())
                .putAttributes("link", AttributeValue.newBuilder().setCeUri("https://example.org/x").build())
                .putAttributes("rel", AttributeValue.newBuilder().setCeUriRef("../y").build())
                .setTextData("Try not. Do or do not.")
                .build();

        assertThat(MessageCodec.decode(MessageCodec.encode(msg, STORED))).isEqualTo(msg);
    }

    @Test
    void kafkaRecordRoundTripsByteForByte() {
        byte[] value = new byte[4096];
        new Random(7).nextBytes(value);
        Message msg = Message.newBuilder()
                .setId("k-1").setSource("kafka://c/t").setSpecVersion("1.0").setType("kafka.record")
                .setBinaryData(ByteString.copyFrom(value))
                .setKafka(KafkaRecord.newBuilder()
                        .setTopic("t").setPartition(2).setOffset(99).setTimestamp(1_700_000_000_123L)
                        .setTimestampType(TimestampType.TIMESTAMP_TYPE_LOG_APPEND_TIME)
                        .setKey(ByteString.EMPTY)
                        .addHeaders(Header.newBuilder().setKey("dup").setValue(ByteString.copyFromUtf8("1")))
                        .addHeaders(Header.newBuilder().setKey("dup").setValue(ByteString.copyFromUtf8("2")))
                        .addHeaders(Header.newBuilder().setKey("null"))
                        .addHeaders(Header.newBuilder().setKey("empty").setValue(ByteString.EMPTY))
                        .addHeaders(Header.newBuilder().setKey("_id").setValue(ByteString.copyFrom(new byte[] {(byte) 0xff, 0}))))
                .build();

        Message back = MessageCodec.decode(MessageCodec.encode(msg, STORED));

        assertThat(back).isEqualTo(msg);
        assertThat(back.getKafka().hasKey()).isTrue();
        assertThat(back.getKafka().getHeaders(2).hasValue()).isFalse();
        assertThat(back.getKafka().getHeaders(3).hasValue()).isTrue();
    }

    @Test
    void tombstoneWithoutKeyStaysATombstoneWithoutKey() {
        Message msg = Message.newBuilder().setId("t").setType("x")
                .setKafka(KafkaRecord.newBuilder().setTopic("t").setNullValue(true).setTimestamp(-1))
                .build();

        Message back = MessageCodec.decode(MessageCodec.encode(msg, STORED));

        assertThat(back).isEqualTo(msg);
        assertThat(back.getKafka().hasKey()).isFalse();
        assertThat(back.getDataCase()).isEqualTo(Message.DataCase.DATA_NOT_SET);
    }

    @Test
    void emptyBinaryDataIsNotAbsentData() {
        Message msg = Message.newBuilder().setId("e").setBinaryData(ByteString.EMPTY).build();
        assertThat(MessageCodec.decode(MessageCodec.encode(msg, STORED)).getDataCase())
                .isEqualTo(Message.DataCase.BINARY_DATA);
    }

    @Test
    void protoDataRoundTrips() {
        Message msg = Message.newBuilder().setId("p")
                .setProtoData(Any.newBuilder().setTypeUrl("type.googleapis.com/x.Y").setValue(ByteString.copyFromUtf8("v")))
                .build();
        assertThat(MessageCodec.decode(MessageCodec.encode(msg, STORED))).isEqualTo(msg);
    }

    @Test
    void documentIsPlainBsonWithIdFirstAndReadableFields() {
        Message msg = Message.newBuilder().setId("abc").setSource("s").setType("t").setTextData("hi").build();

        RawBsonDocument doc = new RawBsonDocument(MessageCodec.encode(msg, STORED));

        assertThat(doc.getFirstKey()).isEqualTo("_id");
        assertThat(doc.getInt32("fv").getValue()).isEqualTo(MessageCodec.FORMAT_VERSION);
        assertThat(doc.getDateTime("stored_at").getValue()).isEqualTo(STORED.toEpochMilli());
        assertThat(doc.getDateTime("time").getValue()).isEqualTo(STORED.toEpochMilli());
        assertThat(doc.getString("text_data").getValue()).isEqualTo("hi");
    }

    @Test
    void truncatedDocumentIsReportedNotMisread() {
        byte[] doc = MessageCodec.encode(Message.newBuilder().setId("x").build(), STORED);
        assertThatThrownBy(() -> MessageCodec.decode(doc, 0, doc.length - 3))
                .isInstanceOf(DocumentFormatException.class);
    }
}
