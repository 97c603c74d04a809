package io.stowage.common.bson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.stowage.api.v1.AttributeValue;
import io.stowage.api.v1.Header;
import io.stowage.api.v1.KafkaRecord;
import io.stowage.api.v1.Message;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.bson.BsonSerializationException;
import org.bson.io.BasicOutputBuffer;
import org.junit.jupiter.api.Test;

/** The fast buffer writes exactly the bytes of the library's, and refuses what it refuses. */
class DocumentBufferTest {
    private static final List<String> STRINGS = List.of("", "a", "_id", "specversion", "plain ASCII text ~!@#$%^&*()",
            "caf\u00e9", "\u65e5\u672c\u8a9e", "emoji \ud83d\ude00 pair", "lone \ud800 high", "lone \udc00 low", "\u007f\u0080",
            "x".repeat(200), "\u00e9".repeat(70), "long ".repeat(2000), "y".repeat(4096), "z".repeat(4097));

    @Test
    void stringsAndNamesAreWrittenAsTheLibraryWritesThem() {
        for (String s : STRINGS) {
            assertThat(written(new DocumentBuffer(8), s)).as("%s", s).isEqualTo(written(new BasicOutputBuffer(8), s));
        }
        String withNul = "nul \u0000 inside";
        BasicOutputBuffer plain = new BasicOutputBuffer(8);
        DocumentBuffer fast = new DocumentBuffer(8);
        plain.writeString(withNul);
        fast.writeString(withNul);
        assertThat(fast.toByteArray()).isEqualTo(plain.toByteArray());
    }

    @Test
    void aNameWithANulIsRefusedAsTheLibraryRefusesIt() {
        assertThatThrownBy(() -> new BasicOutputBuffer(8).writeCString("a\u0000b"))
                .isInstanceOf(BsonSerializationException.class);
        assertThatThrownBy(() -> new DocumentBuffer(8).writeCString("a\u0000b"))
                .isInstanceOf(BsonSerializationException.class);
    }

    @Test
    void messagesEncodeToTheSameDocumentAsWithTheLibrarysBuffer() {
        Random random = new Random(7);
        Instant stored = Instant.parse("2024-05-06T07:08:09.123Z");
        for (int i = 0; i < 200; i++) {
            Message msg = randomMessage(random, i);
            BasicOutputBuffer plain = new BasicOutputBuffer(16);
            MessageCodec.encodeInto(plain, msg, stored);
            assertThat(MessageCodec.encode(msg, stored)).as("message %d", i).isEqualTo(plain.toByteArray());
        }
    }

    private static byte[] written(BasicOutputBuffer out, String s) {
        out.writeCString(s);
        out.writeString(s);
        out.writeCString(s);
        return out.toByteArray();
    }

    private static Message randomMessage(Random random, int i) {
        String text = STRINGS.get(random.nextInt(STRINGS.size()));
        Message.Builder b = Message.newBuilder().setId("id-" + i + text).setSource("src/" + text)
                .setSpecVersion("1.0").setType("type." + i)
                .putAttributes("subject", AttributeValue.newBuilder().setCeString(text).build());
        if (random.nextBoolean()) {
            b.setTextData(text + i);
        } else {
            byte[] value = new byte[random.nextInt(64)];
            random.nextBytes(value);
            b.setBinaryData(ByteString.copyFrom(value));
            b.setKafka(KafkaRecord.newBuilder().setTopic("topic-" + text).setPartition(i % 3).setOffset(i)
                    .setKey(ByteString.copyFromUtf8(text))
                    .addHeaders(Header.newBuilder().setKey("h" + text).setValue(ByteString.copyFromUtf8(text))));
        }
        return b.build();
    }
}
