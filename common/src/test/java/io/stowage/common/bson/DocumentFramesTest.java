package io.stowage.common.bson;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.api.v1.Message;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DocumentFramesTest {
    private static final Instant STORED = Instant.parse("2024-05-06T07:08:09.123Z");
    private static final int LIMIT = 1 << 20;

    private static byte[] document(String text) {
        return MessageCodec.encode(Message.newBuilder().setId("m-1").setSource("s").setSpecVersion("1.0")
                .setType("t").setTextData(text).build(), STORED);
    }

    @Test
    void aFrameHoldsExactlyTheDocumentAndStartsWithTheZstdMagic() {
        byte[] doc = document("{\"a\":1,\"b\":\"" + "x".repeat(500) + "\"}");
        try (DocumentFrames.Encoder encoder = DocumentFrames.encoder(3)) {
            byte[] frame = encoder.frame(doc);
            assertThat(frame).startsWith(0x28, 0xB5, 0x2F, 0xFD);
            assertThat(frame.length).isLessThan(doc.length / 2);
            assertThat(DocumentFrames.isFrame(frame)).isTrue();
            assertThat(DocumentFrames.unwrap(frame, LIMIT)).isEqualTo(doc);
        }
    }

    @Test
    void theMagicReadAsABsonLengthIsNegativeSoThePlainFormIsNeverMistakenForAFrame() {
        assertThat(ByteBuffer.wrap(new byte[] {0x28, (byte) 0xB5, 0x2F, (byte) 0xFD}).order(ByteOrder.LITTLE_ENDIAN)
                .getInt()).isEqualTo(DocumentFrames.MAGIC).isNegative();
        byte[] doc = document("plain");
        assertThat(DocumentFrames.isFrame(doc)).isFalse();
        assertThat(DocumentFrames.unwrap(doc, LIMIT)).isSameAs(doc);
    }

    @Test
    void incompressibleDocumentsCostOnlyAFewBytesOfFraming() {
        byte[] random = new byte[4096];
        new Random(7).nextBytes(random);
        try (DocumentFrames.Encoder encoder = DocumentFrames.encoder(3)) {
            byte[] frame = encoder.frame(random);
            assertThat(frame.length).isBetween(random.length, random.length + 16);
            assertThat(DocumentFrames.unwrap(frame, LIMIT)).isEqualTo(random);
        }
    }

    @Test
    void framesAppendBackToBackIntoOneBuffer() {
        byte[] a = document("first");
        byte[] b = document("second ".repeat(50));
        org.bson.io.BasicOutputBuffer out = new org.bson.io.BasicOutputBuffer();
        try (DocumentFrames.Encoder encoder = DocumentFrames.encoder(1)) {
            int la = encoder.frame(a, 0, a.length, out);
            int lb = encoder.frame(b, 0, b.length, out);
            byte[] all = out.toByteArray();
            assertThat(all).hasSize(la + lb);
            assertThat(DocumentFrames.unwrap(java.util.Arrays.copyOfRange(all, 0, la), LIMIT)).isEqualTo(a);
            assertThat(DocumentFrames.unwrap(java.util.Arrays.copyOfRange(all, la, la + lb), LIMIT)).isEqualTo(b);
        }
    }

    @Test
    void aFrameLargerThanTheLimitIsRefusedBeforeItIsDecompressed() {
        byte[] big = "z".repeat(100_000).getBytes(StandardCharsets.US_ASCII);
        try (DocumentFrames.Encoder encoder = DocumentFrames.encoder(3)) {
            byte[] frame = encoder.frame(big);
            assertThat(frame.length).isLessThan(100);
            assertThatThrownBy(() -> DocumentFrames.unwrap(frame, 99_999)).isInstanceOf(DocumentFormatException.class)
                    .hasMessageContaining("declares 100000 bytes");
        }
    }

    @Test
    void aFlippedByteAnywhereInAFrameNeverGivesOtherBytes() {
        byte[] doc = document("{\"alert\":\"" + "candidate ".repeat(40) + "\"}");
        byte[] frame;
        try (DocumentFrames.Encoder encoder = DocumentFrames.encoder(3)) {
            frame = encoder.frame(doc);
        }
        int refused = 0;
        for (int i = 0; i < frame.length; i++) {
            byte[] damaged = frame.clone();
            damaged[i] ^= 0x40;
            try {
                // the checksum covers the content, and a damaged magic leaves bytes that are no
                // BSON document: what comes out is the message or nothing
                assertThat(MessageCodec.decode(DocumentFrames.unwrap(damaged, LIMIT))).as("byte %d flipped", i)
                        .isEqualTo(MessageCodec.decode(doc));
            } catch (DocumentFormatException e) {
                refused++;
            }
        }
        assertThat(refused).isGreaterThan(frame.length - 4);
    }

    @Test
    void aTruncatedFrameOrTrailingBytesAreRefused() {
        byte[] doc = document("truncate me ".repeat(20));
        try (DocumentFrames.Encoder encoder = DocumentFrames.encoder(3)) {
            byte[] frame = encoder.frame(doc);
            assertThatThrownBy(() -> DocumentFrames.unwrap(java.util.Arrays.copyOf(frame, frame.length - 1), LIMIT))
                    .isInstanceOf(DocumentFormatException.class);
            byte[] longer = java.util.Arrays.copyOf(frame, frame.length + 3);
            assertThatThrownBy(() -> DocumentFrames.unwrap(longer, LIMIT)).isInstanceOf(DocumentFormatException.class);
        }
    }
}
