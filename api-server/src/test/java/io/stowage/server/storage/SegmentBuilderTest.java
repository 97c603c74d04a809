package io.stowage.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.api.v1.Message;
import io.stowage.common.bson.DocumentFrames;
import io.stowage.common.bson.MessageCodec;
import io.stowage.server.testing.Msgs;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One segment, one form: what the builder writes, and how it copies documents of either form. */
class SegmentBuilderTest {
    private static final Instant T = Instant.parse("2024-06-01T12:00:00Z");
    private static final SegmentFormat ZSTD = SegmentFormat.zstd(SegmentFormat.DEFAULT_LEVEL);

    private static List<Message> messages() {
        return List.of(Msgs.event("a", "s", "t", T, "{\"x\":1}".repeat(40)), Msgs.event("b", "s", "t", T, "short"),
                Msgs.event("c", "s", "t", T, "").toBuilder().clearData().build());
    }

    @Test
    void aCompressedSegmentIsOneFramePerDocumentAtTheOffsetsItReturns() {
        try (SegmentBuilder segment = new SegmentBuilder(1000, ZSTD)) {
            int[] offsets = messages().stream().mapToInt(m -> segment.append(m, T)).toArray();
            byte[] object = segment.toBytes();
            for (int i = 0; i < offsets.length; i++) {
                int end = i + 1 < offsets.length ? offsets[i + 1] : object.length;
                byte[] frame = Arrays.copyOfRange(object, offsets[i], end);
                assertThat(DocumentFrames.isFrame(frame)).isTrue();
                assertThat(MessageCodec.decode(ZSTD.unwrap(frame))).isEqualTo(messages().get(i));
            }
        }
    }

    @Test
    void copiedDocumentsTakeTheSegmentsFormWhateverFormTheyHad() {
        byte[] plain = MessageCodec.encode(messages().get(0), T);
        byte[] framed;
        try (DocumentFrames.Encoder encoder = DocumentFrames.encoder(1)) {
            framed = encoder.frame(plain);
        }
        try (SegmentBuilder compressed = new SegmentBuilder(100, ZSTD); SegmentBuilder uncompressed = new SegmentBuilder(100)) {
            compressed.append(plain);
            int second = compressed.append(framed);
            byte[] z = compressed.toBytes();
            assertThat(Arrays.copyOfRange(z, second, z.length)).isEqualTo(framed); // already a frame: copied as is
            assertThat(ZSTD.unwrap(Arrays.copyOfRange(z, 0, second))).isEqualTo(plain);

            uncompressed.append(framed);
            uncompressed.append(plain);
            byte[] p = uncompressed.toBytes();
            assertThat(p).hasSize(2 * plain.length);
            assertThat(Arrays.copyOfRange(p, 0, plain.length)).isEqualTo(plain);
            assertThat(Arrays.copyOfRange(p, plain.length, p.length)).isEqualTo(plain);
        }
    }
}
