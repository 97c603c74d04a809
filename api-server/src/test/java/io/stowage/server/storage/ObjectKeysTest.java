package io.stowage.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The key layout, as the writer makes it and the verifier recognises it. */
class ObjectKeysTest {

    @Test
    void everyKeyTheWriterMakesIsASegmentKey() {
        Instant hour = Instant.parse("2024-01-02T03:00:00Z");
        for (String name : new String[] {"s", "", ".hidden", "a/b", "ü", "x".repeat(500)}) {
            String key = ObjectKeys.segmentKey(name, name, hour, "seg-1");
            assertThat(ObjectKeys.isSegmentKey(key)).as(key).isTrue();
        }
        assertThat(ObjectKeys.segmentKey("s", "t", hour, "n")).isEqualTo("stream=s/type=t/dt=2024-01-02/hr=03/n.bson");
    }

    @Test
    void aCompressedSegmentsKeyEndsInBsonZstAndIsASegmentKey() {
        Instant hour = Instant.parse("2024-01-02T03:00:00Z");
        String key = ObjectKeys.segmentKey("s", "t", hour, "n", SegmentFormat.zstd(3).suffix());
        assertThat(key).isEqualTo("stream=s/type=t/dt=2024-01-02/hr=03/n.bson.zst");
        assertThat(ObjectKeys.isSegmentKey(key)).isTrue();
        assertThat(ObjectKeys.isSegmentKey("stream=s/type=t/dt=2024-01-02/hr=03/.bson.zst")).isFalse();
        assertThat(ObjectKeys.isSegmentKey("stream=s/type=t/dt=2024-01-02/hr=03/n.zst")).isFalse();
    }

    @Test
    void otherApplicationsObjectsAreNotSegmentKeys() {
        assertThat(ObjectKeys.isSegmentKey("stream=s/type=t/dt=2024-01-02/hr=03/x.json")).isFalse();
        assertThat(ObjectKeys.isSegmentKey("stream=s/type=t/dt=2024-01-02/hr=03/.bson")).isFalse();
        assertThat(ObjectKeys.isSegmentKey("stream=/type=t/dt=2024-01-02/hr=03/x.bson")).isFalse();
        assertThat(ObjectKeys.isSegmentKey("stream=s/type=/dt=2024-01-02/hr=03/x.bson")).isFalse();
        assertThat(ObjectKeys.isSegmentKey("stream=s/type=t/dt=2024-1-02/hr=03/x.bson")).isFalse();
        assertThat(ObjectKeys.isSegmentKey("stream=s/type=t/dt=2024-01-02/hr=3/x.bson")).isFalse();
        assertThat(ObjectKeys.isSegmentKey("stream=s/type=t/dt=2024-01-02/hr=03/sub/x.bson")).isFalse();
        assertThat(ObjectKeys.isSegmentKey("other/stream=s/type=t/dt=2024-01-02/hr=03/x.bson")).isFalse();
        assertThat(ObjectKeys.isSegmentKey("readme.txt")).isFalse();
    }
}
