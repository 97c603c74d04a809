package io.stowage.server.storage;

import static io.stowage.server.testing.Msgs.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.api.v1.Message;
import io.stowage.server.storage.error.InvalidRequestException;
import io.stowage.server.storage.index.ScanOrder;
import io.stowage.server.storage.index.ScanQuery;
import io.stowage.server.storage.index.ScanRow;
import io.stowage.server.storage.index.StreamStats;
import io.stowage.server.testing.MemoryEngine;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Get, delete, scan and status over the in-memory index and files. */
class ArchiveTest {
    private static final Instant T = Instant.parse("2024-01-01T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void getReturnsStoredMessagesInRequestOrderOnceEachAndLeavesOutUnknownIds() {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            e.archive().put(List.of(event("a", "s", "t", T, "A"), event("b", "r", "t", T, "B")));

            assertThat(e.archive().get(List.of("b", "unknown", "a", "b"))).extracting(Message::getId)
                    .containsExactly("b", "a");
            assertThat(e.archive().getStored(List.of("a"), Long.MAX_VALUE).found().get(0).document()).isNotEmpty();
        }
    }

    @Test
    void getAndScanRefuseADocumentWhosePayloadTheStoreChanged() throws Exception {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            e.archive().put(List.of(event("a", "s", "t", T, "payload-AAAAAAAA")));
            Path segment;
            try (var files = java.nio.file.Files.walk(dir)) {
                segment = files.filter(f -> f.toString().endsWith(".bson")).findFirst().orElseThrow();
            }
            byte[] bytes = java.nio.file.Files.readAllBytes(segment);
            int at = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("AAAAAAAA");
            bytes[at] = 'B'; // still a well-formed document, with other content
            java.nio.file.Files.write(segment, bytes);

            assertThatThrownBy(() -> e.archive().get(List.of("a")))
                    .isInstanceOf(io.stowage.server.storage.error.DataLossException.class)
                    .hasMessageContaining("'a'").hasMessageContaining("content digest");
            assertThatThrownBy(() -> e.archive().scan(query(10), false, (row, msg) -> true))
                    .isInstanceOf(io.stowage.server.storage.error.DataLossException.class)
                    .hasMessageContaining("'a'");
            List<String> ids = new java.util.ArrayList<>();
            e.archive().scan(query(10), true, (row, msg) -> ids.add(row.id())); // ids only read no document
            assertThat(ids).containsExactly("a");
        }
    }

    @Test
    void deleteCountsWhatWasStoredAndRemovesAnEmptiedSegmentAtOnce() {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            e.archive().put(List.of(event("a", "s", "t", T, "A"), event("b", "s", "t", T, "B"),
                    event("c", "r", "t", T, "C")));

            assertThat(e.archive().delete(List.of("a", "b", "b", "unknown"))).isEqualTo(2);

            assertThat(e.objects()).singleElement().satisfies(k -> assertThat(k).startsWith("stream=r/"));
            assertThat(e.index().deadSegments()).isEmpty();
            assertThat(e.archive().get(List.of("a", "b", "c"))).extracting(Message::getId).containsExactly("c");
            assertThat(e.archive().delete(List.of("a"))).isZero();
        }
    }

    @Test
    void tooManyIdsInOneRequestAreRefused() {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            List<String> ids = Collections.nCopies(MemoryEngine.LIMITS.maxBatchMessages() + 1, "x");
            assertThatThrownBy(() -> e.archive().get(ids)).isInstanceOf(InvalidRequestException.class)
                    .hasMessageContaining("split it");
            assertThatThrownBy(() -> e.archive().delete(ids)).isInstanceOf(InvalidRequestException.class);
        }
    }

    @Test
    void scanGoesPageByPageUpToTheLimitInTimeOrder() {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            List<Message> batch = new ArrayList<>();
            for (int i = 0; i < 1200; i++) {
                batch.add(event(String.format("m%04d", i), "s", "t", T.plusMillis(1199 - i), "x" + i));
            }
            e.archive().put(batch);
            List<String> seen = new ArrayList<>();

            e.archive().scan(query(1100), false, (row, msg) -> seen.add(msg.getId()));

            assertThat(seen).hasSize(1100).doesNotHaveDuplicates().startsWith("m1199", "m1198").endsWith("m0100");
            List<ScanRow> rows = new ArrayList<>();
            e.archive().scan(query(5000), true, (row, msg) -> {
                assertThat(msg).isNull();
                return rows.add(row);
            });
            assertThat(rows).hasSize(1200);
        }
    }

    @Test
    void scanStopsWhenTheSinkDeclines() {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            e.archive().put(List.of(event("a", "s", "t", T, "A"), event("b", "s", "t", T.plusSeconds(1), "B"),
                    event("c", "s", "t", T.plusSeconds(2), "C")));
            List<String> seen = new ArrayList<>();

            e.archive().scan(query(100), false, (row, msg) -> seen.add(row.id()) && seen.size() < 2);

            assertThat(seen).containsExactly("a", "b");
        }
    }

    @Test
    void statusCountsWhatIsStored() {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            e.archive().put(List.of(event("a", "s", "t", T, "A"), event("b", "s", "u", T.plusSeconds(5), "B")));

            List<StreamStats> stats = e.archive().status(Optional.empty());

            assertThat(stats).singleElement().satisfies(s -> {
                assertThat(s.stream()).isEqualTo("s");
                assertThat(s.messages()).isEqualTo(2);
                assertThat(s.segments()).isEqualTo(2);
                assertThat(s.firstTime()).isEqualTo(T);
                assertThat(s.lastTime()).isEqualTo(T.plusSeconds(5));
                assertThat(s.segmentBytes()).isEqualTo(s.bytes());
            });
        }
    }

    private static ScanQuery query(int limit) {
        return new ScanQuery("s", Optional.empty(), Instant.EPOCH, T.plusSeconds(3600), Optional.empty(), limit,
                ScanOrder.TIME, Optional.empty());
    }
}
