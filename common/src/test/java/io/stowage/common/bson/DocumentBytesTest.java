package io.stowage.common.bson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UnsafeByteOperations;
import io.stowage.api.v1.AttributeValue;
import io.stowage.api.v1.Header;
import io.stowage.api.v1.KafkaRecord;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.TimestampType;
import io.stowage.common.message.Messages;
import io.stowage.common.message.Timestamps;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.bson.BsonBinary;
import org.bson.BsonBinaryWriter;
import org.bson.BsonSerializationException;
import org.bson.BsonWriter;
import org.bson.io.BasicOutputBuffer;
import org.junit.jupiter.api.Test;

/**
 * The stored bytes do not depend on how they are written: {@link MessageCodec} writes exactly what
 * org.bson's own writer writes for the format (the reference below is the codec as it was on that
 * writer), over messages of every shape a producer can send.
 */
class DocumentBytesTest {
    private static final Instant STORED = Instant.parse("2024-05-06T07:08:09.123Z");

    @Test
    void everyShapeOfMessageIsWrittenAsOrgBsonWritesIt() {
        Random random = new Random(11);
        for (int i = 0; i < 2_000; i++) {
            Message msg = randomMessage(random);
            Instant storedAt = STORED.plusMillis(random.nextInt(1_000_000));
            assertThat(MessageCodec.encode(msg, storedAt)).as("message %d: %s", i, msg)
                    .isEqualTo(Reference.encode(msg, storedAt));
        }
    }

    @Test
    void documentsAppendedToOneBufferEachMatchTheirOwnEncoding() {
        Random random = new Random(12);
        BasicOutputBuffer segment = new DocumentBuffer(16);
        for (int i = 0; i < 200; i++) {
            Message msg = randomMessage(random);
            int offset = segment.getPosition();
            int length = MessageCodec.encodeInto(segment, msg, STORED);
            byte[] one = new byte[length];
            System.arraycopy(segment.getInternalBuffer(), offset, one, 0, length);
            assertThat(one).isEqualTo(Reference.encode(msg, STORED));
        }
    }

    @Test
    void anAttributeNameWithANulIsRefusedAsOrgBsonRefusesIt() {
        Message msg = Message.newBuilder().setId("a").setSource("s").setSpecVersion("1.0").setType("t")
                .putAttributes("bad\0name", AttributeValue.newBuilder().setCeString("x").build())
                .putAttributes("other", AttributeValue.newBuilder().setCeString("y").build())
                .build();

        assertThatThrownBy(() -> Reference.encode(msg, STORED)).isInstanceOf(BsonSerializationException.class);
        assertThatThrownBy(() -> MessageCodec.encode(msg, STORED)).isInstanceOf(BsonSerializationException.class);
    }

    private static Message randomMessage(Random random) {
        Message.Builder b = Message.newBuilder()
                .setId(text(random))
                .setSource(text(random))
                .setSpecVersion(random.nextBoolean() ? "1.0" : text(random))
                .setType(text(random));
        int attributes = random.nextInt(4);
        for (int a = 0; a < attributes; a++) {
            b.putAttributes(text(random).replace("\0", "") + a, attribute(random)); // a NUL in a name is refused (below)
        }
        switch (random.nextInt(4)) {
            case 0 -> b.setBinaryData(bytes(random));
            case 1 -> b.setTextData(text(random));
            case 2 -> b.setProtoData(Any.newBuilder().setTypeUrl(text(random)).setValue(bytes(random)));
            default -> { }
        }
        if (random.nextInt(4) > 0) {
            KafkaRecord.Builder k = KafkaRecord.newBuilder()
                    .setTopic(text(random))
                    .setPartition(random.nextInt())
                    .setOffset(random.nextLong())
                    .setTimestamp(random.nextLong())
                    .setTimestampType(TimestampType.forNumber(random.nextInt(3)))
                    .setNullValue(random.nextBoolean());
            if (random.nextBoolean()) {
                k.setKey(bytes(random));
            }
            int headers = random.nextInt(10) == 0 ? 12 : random.nextInt(4); // two-digit array names too
            for (int h = 0; h < headers; h++) {
                Header.Builder header = Header.newBuilder().setKey(text(random));
                if (random.nextBoolean()) {
                    header.setValue(bytes(random));
                }
                k.addHeaders(header);
            }
            b.setKafka(k);
        }
        return b.build();
    }

    private static AttributeValue attribute(Random random) {
        AttributeValue.Builder v = AttributeValue.newBuilder();
        switch (random.nextInt(7)) {
            case 0 -> v.setCeBoolean(random.nextBoolean());
            case 1 -> v.setCeInteger(random.nextInt());
            case 2 -> v.setCeString(text(random));
            case 3 -> v.setCeBytes(bytes(random));
            case 4 -> v.setCeUri(text(random));
            case 5 -> v.setCeUriRef(text(random));
            default -> v.setCeTimestamp(Timestamp.newBuilder()
                    .setSeconds(random.nextInt(2_000_000_000) - 1_000_000_000L)
                    .setNanos(random.nextBoolean() ? random.nextInt(1_000) * 1_000_000 : random.nextInt(1_000_000_000)));
        }
        return v.build();
    }

    /**
     * ASCII, Latin, CJK, a character outside the BMP, a NUL and lone surrogates (which a Java caller
     * can put in a message), of lengths around the buffer's chunk.
     */
    private static String text(Random random) {
        String[] pieces = {"a", "Z", "-", "é", "漢", "😀", "0", " ", "\0", "\ud800", "\udfff"};
        int length = random.nextInt(10) == 0 ? 4090 + random.nextInt(20) : random.nextInt(40);
        boolean ascii = random.nextBoolean();
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < length; i++) {
            s.append(pieces[random.nextInt(ascii ? 3 : pieces.length)]);
        }
        return s.toString();
    }

    private static ByteString bytes(Random random) {
        byte[] b = new byte[random.nextInt(10) == 0 ? 5_000 : random.nextInt(64)];
        random.nextBytes(b);
        ByteString whole = ByteString.copyFrom(b);
        // a slice, a rope and buffers too: ByteStrings parsed from a request are often not one flat array
        return switch (random.nextInt(5)) {
            case 0 -> whole;
            case 1 -> ByteString.copyFrom(new byte[] {9}).concat(whole).substring(1);
            case 2 -> whole.substring(0, b.length / 2).concat(whole.substring(b.length / 2));
            case 3 -> {
                ByteBuffer direct = ByteBuffer.allocateDirect(b.length);
                direct.put(b).flip();
                yield UnsafeByteOperations.unsafeWrap(direct);
            }
            default -> UnsafeByteOperations.unsafeWrap(ByteBuffer.wrap(b).asReadOnlyBuffer());
        };
    }

    /** The codec of format version 1 as first written, on org.bson's {@link BsonBinaryWriter}. */
    private static final class Reference {
        static byte[] encode(Message msg, Instant storedAt) {
            BasicOutputBuffer out = new BasicOutputBuffer();
            try (BsonBinaryWriter writer = new BsonBinaryWriter(out)) {
                writer.writeStartDocument();
                writer.writeString("_id", msg.getId());
                writer.writeInt32("fv", MessageCodec.FORMAT_VERSION);
                writeCloudEvent(writer, msg, Messages.time(msg, storedAt));
                if (msg.hasKafka()) {
                    writeKafka(writer, msg.getKafka());
                }
                writer.writeDateTime("stored_at", storedAt.toEpochMilli());
                writer.writeEndDocument();
            }
            return out.toByteArray();
        }

        private static void writeCloudEvent(BsonWriter writer, Message msg, Instant time) {
            writer.writeString("source", msg.getSource());
            writer.writeString("specversion", msg.getSpecVersion());
            writer.writeString("type", msg.getType());
            writer.writeDateTime("time", time.toEpochMilli());
            if (msg.getAttributesCount() > 0) {
                writer.writeStartDocument("attributes");
                for (Map.Entry<String, AttributeValue> e : new TreeMap<>(msg.getAttributesMap()).entrySet()) {
                    writer.writeStartDocument(e.getKey());
                    writeAttributeValue(writer, e.getValue());
                    writer.writeEndDocument();
                }
                writer.writeEndDocument();
            }
            switch (msg.getDataCase()) {
                case BINARY_DATA -> writer.writeBinaryData("binary_data", new BsonBinary(msg.getBinaryData().toByteArray()));
                case TEXT_DATA -> writer.writeString("text_data", msg.getTextData());
                case PROTO_DATA -> {
                    writer.writeStartDocument("proto_data");
                    writer.writeString("type_url", msg.getProtoData().getTypeUrl());
                    writer.writeBinaryData("value", new BsonBinary(msg.getProtoData().getValue().toByteArray()));
                    writer.writeEndDocument();
                }
                case DATA_NOT_SET -> { }
            }
        }

        private static void writeAttributeValue(BsonWriter writer, AttributeValue value) {
            switch (value.getAttrCase()) {
                case CE_BOOLEAN -> writer.writeBoolean("ce_boolean", value.getCeBoolean());
                case CE_INTEGER -> writer.writeInt32("ce_integer", value.getCeInteger());
                case CE_STRING -> writer.writeString("ce_string", value.getCeString());
                case CE_BYTES -> writer.writeBinaryData("ce_bytes", new BsonBinary(value.getCeBytes().toByteArray()));
                case CE_URI -> writer.writeString("ce_uri", value.getCeUri());
                case CE_URI_REF -> writer.writeString("ce_uri_ref", value.getCeUriRef());
                case CE_TIMESTAMP -> {
                    Instant t = Timestamps.toInstant(value.getCeTimestamp());
                    writer.writeDateTime("ce_timestamp", t.toEpochMilli());
                    if (t.getNano() % 1_000_000 != 0) {
                        writer.writeInt32("nanos", t.getNano());
                    }
                }
                case ATTR_NOT_SET -> { }
            }
        }

        private static void writeKafka(BsonWriter writer, KafkaRecord kafka) {
            writer.writeStartDocument("kafka");
            writer.writeString("topic", kafka.getTopic());
            writer.writeInt32("partition", kafka.getPartition());
            writer.writeInt64("offset", kafka.getOffset());
            writer.writeInt64("timestamp", kafka.getTimestamp());
            writer.writeString("timestamp_type", kafka.getTimestampType().name());
            if (kafka.hasKey()) {
                writer.writeBinaryData("key", new BsonBinary(kafka.getKey().toByteArray()));
            }
            writer.writeStartArray("headers");
            for (Header header : kafka.getHeadersList()) {
                writer.writeStartDocument();
                writer.writeString("key", header.getKey());
                if (header.hasValue()) {
                    writer.writeBinaryData("value", new BsonBinary(header.getValue().toByteArray()));
                } else {
                    writer.writeNull("value");
                }
                writer.writeEndDocument();
            }
            writer.writeEndArray();
            writer.writeBoolean("null_value", kafka.getNullValue());
            writer.writeEndDocument();
        }
    }
}
