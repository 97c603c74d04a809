package io.stowage.server.storage;

import static io.stowage.server.testing.Msgs.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.api.v1.Message;
import io.stowage.server.storage.MessageReader.RangeRead;
import io.stowage.server.storage.error.DataLossException;
import io.stowage.server.storage.index.MessageLocation;
import io.stowage.server.testing.MemoryEngine;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How reads are planned (ranges coalesced per segment), and what happens when a location goes stale. */
class MessageReaderTest {
    private static final int GAP = MessageReader.COALESCE_GAP;

    @TempDir
    Path dir;

    @Test
    void closeRangesOfASegmentAreReadTogether() {
        List<RangeRead> reads = MessageReader.plan(List.of(at("b", "k1", 100, 50), at("a", "k1", 0, 100),
                at("c", "k1", 150 + GAP, 10)));

        assertThat(reads).singleElement().satisfies(r -> {
            assertThat(r.key).isEqualTo("k1");
            assertThat(r.start).isZero();
            assertThat(r.length()).isEqualTo(160 + GAP);
            assertThat(r.members).extracting(MessageLocation::id).containsExactly("a", "b", "c");
        });
    }

    @Test
    void aGapWiderThanTheLimitStartsANewRead() {
        List<RangeRead> reads = MessageReader.plan(List.of(at("a", "k1", 0, 10), at("b", "k1", 11 + GAP, 10)));

        assertThat(reads).extracting(r -> r.start, RangeRead::length)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(0L, 10), org.assertj.core.groups.Tuple.tuple(
                        11L + GAP, 10));
    }

    @Test
    void aReadStaysUnderTheSizeLimit() {
        int big = MessageReader.MAX_READ / 2;
        List<RangeRead> reads = MessageReader.plan(List.of(at("a", "k1", 0, big), at("b", "k1", big, big),
                at("c", "k1", 2 * big, 1)));

        assertThat(reads).hasSize(2);
        assertThat(reads.get(0).length()).isEqualTo(MessageReader.MAX_READ);
        assertThat(reads.get(1).members).extracting(MessageLocation::id).containsExactly("c");
    }

    @Test
    void segmentsAreReadSeparatelyInTheOrderFirstAskedFor() {
        List<RangeRead> reads = MessageReader.plan(List.of(at("x", "k2", 0, 10), at("y", "k1", 0, 10),
                at("z", "k2", 10, 10)));

        assertThat(reads).extracting(r -> r.key).containsExactly("k2", "k1");
        assertThat(MessageReader.plan(List.of())).isEmpty();
    }

    @Test
    void aLocationMadeStaleByARewriteIsLookedUpAgain() {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            Instant t = Instant.parse("2024-01-01T10:00:00Z");
            e.archive().put(List.of(event("a", "s", "t", t, "A"), event("b", "s", "t", t, "B")));
            List<MessageLocation> before = e.index().locate(List.of("b"));
            e.archive().delete(List.of("a"));
            e.cleaner().clean(); // rewrites the segment without a and deletes the old object

            Map<String, Message> read = e.reader().read(before);

            assertThat(read.get("b").getTextData()).isEqualTo("B");
            assertThat(e.index().locate(List.of("b")).get(0).objectKey()).isNotEqualTo(before.get(0).objectKey());
        }
    }

    @Test
    void aMessageDeletedMeanwhileIsLeftOutAndAMissingObjectIsDataLoss() {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            Instant t = Instant.parse("2024-01-01T10:00:00Z");
            e.archive().put(List.of(event("a", "s", "t", t, "A"), event("b", "s", "t", t, "B")));
            List<MessageLocation> where = e.index().locate(List.of("a", "b"));
            e.archive().delete(List.of("a", "b"));

            assertThat(e.reader().read(where)).isEmpty();

            e.archive().put(List.of(event("c", "s", "t", t, "C")));
            List<MessageLocation> c = e.index().locate(List.of("c"));
            e.blobs().delete(c.get(0).objectKey());
            assertThatThrownBy(() -> e.reader().read(c)).isInstanceOf(DataLossException.class)
                    .hasMessageContaining("run stowage verify");
        }
    }

    private static MessageLocation at(String id, String key, int offset, int length) {
        return new MessageLocation(id, 1, key, offset, length);
    }
}
