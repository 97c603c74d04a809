package io.stowage.common.message;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.stowage.api.v1.AttributeValue;
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
    void otherDataGivesAnotherDigest() {
        Message a = Message.newBuilder().setId("1").setBinaryData(ByteString.copyFromUtf8("x")).build();
        Message b = a.toBuilder().setBinaryData(ByteString.copyFromUtf8("y")).build();
        Message c = a.toBuilder().setTextData("x").build();
        assertThat(ContentDigest.of(a)).isNotEqualTo(ContentDigest.of(b)).isNotEqualTo(ContentDigest.of(c));
    }
}
