package io.stowage.common.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.stowage.api.v1.AttributeValue;
import io.stowage.api.v1.Header;
import io.stowage.api.v1.KafkaRecord;
import io.stowage.api.v1.Message;
import com.google.protobuf.Any;
import com.google.protobuf.Timestamp;
import java.util.ArrayList;
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

    /**
     * Parts that fill the digest's buffer exactly, cross its end, or are larger than it give the
     * digests that feeding them one by one gave (values computed by the first version).
     */
    @Test
    void partsAtAndAcrossTheBufferEndGiveTheSameDigests() {
        List<String> digests = new ArrayList<>();
        for (int n : new int[] {0, 1, 16_311, 16_312, 16_320, 16_384, 16_385, 40_000}) {
            Message kafka = Message.newBuilder().setId("b").setSource("src").setType("t")
                    .setBinaryData(ByteString.copyFrom(bytes(n, 1)))
                    .setKafka(KafkaRecord.newBuilder().setTopic(text(n % 97)).setKey(ByteString.copyFrom(bytes(n, 2)))
                            .addHeaders(Header.newBuilder().setKey(text(n)).setValue(ByteString.copyFrom(bytes(n, 3)))))
                    .build();
            Message texts = Message.newBuilder().setId("t").setSource(text(n)).setType("t").setTextData(text(n + 5))
                    .build();
            digests.add(HexFormat.of().formatHex(ContentDigest.of(kafka)));
            digests.add(HexFormat.of().formatHex(ContentDigest.of(texts)));
        }

        assertThat(digests).containsExactly("8eac4396ac5e2229", "de14232e67b871b8", "49a693e5080cebc8",
                "ad61664f73495c72", "238d02cec7c8c13b", "658aed48309674b8", "34f41a8142cddf04", "7ac2e6358549ff69",
                "05ef31d8d5247ad0", "73cab438d55385f8", "fbe490c0108da36c", "380f978310cd3103", "c219b61324bee63a",
                "ff20e25f93ce649f", "03d90f13386ad960", "e9b4500c4a4be8ce");
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 131 + seed);
        }
        return b;
    }

    private static String text(int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append((char) ('a' + i % 26));
        }
        return sb.toString();
    }
}
