package io.stowage.common.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.stowage.api.v1.AttributeValue;
import io.stowage.api.v1.Header;
import io.stowage.api.v1.KafkaRecord;
import io.stowage.api.v1.Message;
import com.google.protobuf.Any;
import com.google.protobuf.Timestamp;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContentDigestTest {

    @Test
    void attributeOrderDoesNotChangeTheDigest() {
        Message a = Message.newBuilder().setId("1")
                .putAttributes("a", AttributeValue.newBuilder().setCeString("x").build())
                .putAttributes("b", AttributeValue.newBuilder().setCeString("y").build()).build();
        Message b = Message.newBuilder().setId("1")
                .putAttributes("b", AttributeValue.newBuilder().setCeString("y").build())
                .putAttributes("a", AttributeValue.newBuilder().setCeString("x").build()).build();
        assertThat(ContentDigest.of(a)).isEqualTo(ContentDigest.of(b)).hasSize(ContentDigest.LENGTH);
    }

    @Test
    void digestIgnoresIdAndKafkaPlacementButNotTheTimestamp() {
        Message a = Message.newBuilder().setId("a").setType("t").setBinaryData(ByteString.copyFromUtf8("v"))
                .setKafka(KafkaRecord.newBuilder().setTopic("t").setPartition(0).setOffset(1).setTimestamp(5)).build();
        Message b = a.toBuilder().setId("b").setKafka(a.getKafka().toBuilder().setPartition(3).setOffset(77)).build();
        Message c = a.toBuilder().setKafka(a.getKafka().toBuilder().setTimestamp(6)).build();

        assertThat(ContentDigest.of(a)).isEqualTo(ContentDigest.of(b)).isNotEqualTo(ContentDigest.of(c));
    }

    @Test
    void absentAndEmptyAreDifferentContent() {
        KafkaRecord.Builder base = KafkaRecord.newBuilder().setTopic("t");
        Message noKey = Message.newBuilder().setId("1").setKafka(base).build();
        Message emptyKey = Message.newBuilder().setId("1").setKafka(base.clone().setKey(ByteString.EMPTY)).build();
        Message nullHeader = Message.newBuilder().setId("1").setKafka(base.clone()
                .addHeaders(Header.newBuilder().setKey("h"))).build();
        Message emptyHeader = Message.newBuilder().setId("1").setKafka(base.clone()
                .addHeaders(Header.newBuilder().setKey("h").setValue(ByteString.EMPTY))).build();
        Message tombstone = Message.newBuilder().setId("1").setKafka(base.clone().setNullValue(true)).build();
        Message emptyValue = Message.newBuilder().setId("1").setBinaryData(ByteString.EMPTY).setKafka(base).build();

        assertThat(ContentDigest.of(noKey)).isNotEqualTo(ContentDigest.of(emptyKey));
        assertThat(ContentDigest.of(nullHeader)).isNotEqualTo(ContentDigest.of(emptyHeader));
        assertThat(ContentDigest.of(tombstone)).isNotEqualTo(ContentDigest.of(emptyValue));
    }

    @Test
    void theKindOfAnAttributeIsPartOfItsContent() {
        Message asString = Message.newBuilder().setId("1")
                .putAttributes("x", AttributeValue.newBuilder().setCeString("urn:a").build()).build();
        Message asUri = Message.newBuilder().setId("1")
                .putAttributes("x", AttributeValue.newBuilder().setCeUri("urn:a").build()).build();
        assertThat(ContentDigest.of(asString)).isNotEqualTo(ContentDigest.of(asUri));
    }

    @Test
    void otherDataGivesAnotherDigest() {
        Message a = Message.newBuilder().setId("1").setBinaryData(ByteString.copyFromUtf8("x")).build();
        Message b = a.toBuilder().setBinaryData(ByteString.copyFromUtf8("y")).build();
        Message c = a.toBuilder().setTextData("x").build();
        assertThat(ContentDigest.of(a)).isNotEqualTo(ContentDigest.of(b)).isNotEqualTo(ContentDigest.of(c));
    }

    /**
     * The index keeps these digests and compares a re-delivery's with them, so a change of how
     * the digest is computed must give the same bytes: values computed by the first version.
     */
    @Test
    void digestsAreThoseThatTheIndexAlreadyHolds() {
        byte[] big = new byte[200_000]; // larger than any buffer the digest feeds through
        for (int i = 0; i < big.length; i++) {
            big[i] = (byte) (i * 31 + 7);
        }
        Message cloudEvent = Message.newBuilder().setId("ce-1").setSource("urn:src/é").setSpecVersion("1.0")
                .setType("com.example.ünïcode")
                .putAttributes("b", AttributeValue.newBuilder().setCeBoolean(true).build())
                .putAttributes("i", AttributeValue.newBuilder().setCeInteger(-42).build())
                .putAttributes("s", AttributeValue.newBuilder().setCeString("日本語 text").build())
                .putAttributes("y", AttributeValue.newBuilder().setCeBytes(ByteString.copyFrom(new byte[] {0, 1, 2})).build())
                .putAttributes("u", AttributeValue.newBuilder().setCeUri("https://example.com/a").build())
                .putAttributes("r", AttributeValue.newBuilder().setCeUriRef("/a/b").build())
                .putAttributes("t", AttributeValue.newBuilder()
                        .setCeTimestamp(Timestamp.newBuilder().setSeconds(1700000000).setNanos(5)).build())
                .setTextData("Try not. Do or do not. \uD83D\uDE80").build();
        Message kafka = Message.newBuilder().setId("k-1").setSource("kafka://c/t").setType("kafka.record")
                .setBinaryData(ByteString.copyFrom(big))
                .setKafka(KafkaRecord.newBuilder().setTopic("orders").setPartition(3).setOffset(99)
                        .setTimestamp(1700000000123L).setTimestampTypeValue(1).setKey(ByteString.copyFromUtf8("key-7"))
                        .addHeaders(Header.newBuilder().setKey("h1").setValue(ByteString.copyFromUtf8("v1")))
                        .addHeaders(Header.newBuilder().setKey("null")))
                .build();
        Message tombstone = Message.newBuilder().setId("k-2")
                .setKafka(KafkaRecord.newBuilder().setTopic("t").setNullValue(true)).build();
        Message proto = Message.newBuilder().setId("p").setProtoData(Any.newBuilder()
                .setTypeUrl("type.googleapis.com/x.Y").setValue(ByteString.copyFrom(big, 0, 5000))).build();
        Message empty = Message.newBuilder().setId("e").build();

        List<String> digests = List.of(cloudEvent, kafka, tombstone, proto, empty).stream()
                .map(m -> HexFormat.of().formatHex(ContentDigest.of(m))).toList();

        assertThat(digests).containsExactly("1f32fe7971f4e6af", "44c41abb27b617c6", "da9cd5bf92183243",
                "53e004bc1c04b02f", "17b0761f87b081d5");
    }
}
