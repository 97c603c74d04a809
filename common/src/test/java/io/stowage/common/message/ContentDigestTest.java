package io.stowage.common.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.stowage.api.v1.AttributeValue;
import io.stowage.api.v1.Header;
import io.stowage.api.v1.KafkaRecord;
import io.stowage.api.v1.Message;
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
}
