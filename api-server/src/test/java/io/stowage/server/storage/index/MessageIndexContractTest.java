package io.stowage.server.storage.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.server.storage.index.postgres.Database;
import io.stowage.server.storage.index.postgres.PostgresMessageIndex;
import io.stowage.server.storage.index.postgres.PostgresSegmentCatalog;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The index against a real PostgreSQL; subclasses say which one. */
abstract class MessageIndexContractTest {
    private static final Instant T0 = Instant.parse("2024-03-01T10:00:00.123456Z");

    private Database db;
    private MessageIndex index;
    private SegmentCatalog catalog;

    protected abstract Database connect(String schema);

    @BeforeEach
    void setUp(TestInfo info) {
        db = connect(io.stowage.server.testing.TestBackends.uniqueName(info.getTestMethod().orElseThrow().getName()));
        index = new PostgresMessageIndex(db);
        catalog = new PostgresSegmentCatalog(db);
    }

    @AfterEach
    void tearDown() {
        db.close();
    }

    @Test
    void committedMessagesCanBeLocatedAndTheirDigestsFound() {
        long seg = pending("s", "t", 2);
        java.util.Collection<String> indexed = index.commitSegments(List.of(seg), List.of(entry("a", seg, "s", "t", T0, 0, 10),
                entry("b", seg, "s", "t", T0.plusSeconds(1), 10, 20)));

        assertThat(indexed).containsExactlyInAnyOrder("a", "b");
        assertThat(index.locate(List.of("b", "a", "zz"))).extracting(MessageLocation::id, MessageLocation::offset,
                MessageLocation::length).containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple("a", 0, 10), org.assertj.core.groups.Tuple.tuple("b", 10, 20));
        assertThat(index.findDigests(List.of("a", "x")).keySet()).containsExactly("a");
        assertThat(index.findDigests(List.of("a")).get("a")).isEqualTo(digest("a"));
    }

    @Test
    void pendingSegmentsHideNothingAndCountNothing() {
        pending("s", "t", 1);
        assertThat(index.status(Optional.empty())).isEmpty();
    }

    @Test
    void anIdAlreadyIndexedIsLeftOutOfALaterCommit() {
        long first = pending("s", "t", 1);
        index.commitSegments(List.of(first), List.of(entry("a", first, "s", "t", T0, 0, 10)));
        long second = pending("s", "t", 2);

        java.util.Collection<String> indexed = index.commitSegments(List.of(second),
                List.of(entry("a", second, "s", "t", T0, 0, 10), entry("b", second, "s", "t", T0, 10, 5)));

        assertThat(indexed).containsExactly("b");
        assertThat(index.locate(List.of("a")).get(0).segmentId()).isEqualTo(first);
        StreamStats stats = index.status(Optional.of("s")).get(0);
        assertThat(stats.messages()).isEqualTo(2);
        assertThat(stats.bytes()).isEqualTo(15);
    }

    @Test
    void aSegmentRetiredAsAbandonedIndexesNothing() {
        long seg = pending("s", "t", 1);
        assertThat(catalog.retireAbandoned(Instant.now().plusSeconds(60))).extracting(SegmentRef::id).containsExactly(seg);

        java.util.Collection<String> indexed = index.commitSegments(List.of(seg), List.of(entry("a", seg, "s", "t", T0, 0, 10)));

        assertThat(indexed).isEmpty();
        assertThat(index.locate(List.of("a"))).isEmpty();
        assertThat(catalog.deadSegments()).extracting(SegmentRef::id).containsExactly(seg);
    }

    @Test
    void deleteCountsOnlyStoredIdsAndReportsEmptiedSegments() {
        long seg = pending("s", "t", 2);
        index.commitSegments(List.of(seg), List.of(entry("a", seg, "s", "t", T0, 0, 10),
                entry("b", seg, "s", "t", T0, 10, 10)));

        DeleteOutcome first = index.delete(List.of("a", "unknown"));
        assertThat(first.deleted()).isEqualTo(1);
        assertThat(first.emptied()).isEmpty();

        DeleteOutcome second = index.delete(List.of("a", "b"));
        assertThat(second.deleted()).isEqualTo(1);
        assertThat(second.emptied()).extracting(SegmentRef::id).containsExactly(seg);
    }

    @Test
    void scanIsOrderedByTimeThenIdAndResumesAfterAPosition() {
        long seg = pending("s", "t", 5);
        List<IndexEntry> entries = new ArrayList<>();
        entries.add(entry("c", seg, "s", "t", T0, 0, 1));
        entries.add(entry("a", seg, "s", "t", T0, 1, 1));
        entries.add(entry("b", seg, "s", "u", T0.plusSeconds(5), 2, 1));
        entries.add(entry("d", seg, "s", "t", T0.minusSeconds(5), 3, 1));
        entries.add(entry("other", seg, "s2", "t", T0, 4, 1));
        index.commitSegments(List.of(seg), entries);

        List<ScanRow> all = index.scan(new ScanQuery("s", Optional.empty(), Instant.EPOCH, T0.plusSeconds(3600),
                Optional.empty(), 100));
        assertThat(all).extracting(ScanRow::id).containsExactly("d", "a", "c", "b");
        assertThat(all.get(1).time()).isEqualTo(T0);

        List<ScanRow> rest = index.scan(new ScanQuery("s", Optional.empty(), Instant.EPOCH, T0.plusSeconds(3600),
                Optional.of(all.get(1).position(ScanOrder.TIME)), 100));
        assertThat(rest).extracting(ScanRow::id).containsExactly("c", "b");

        List<ScanRow> typed = index.scan(new ScanQuery("s", Optional.of("u"), Instant.EPOCH, T0.plusSeconds(3600),
                Optional.empty(), 100));
        assertThat(typed).extracting(ScanRow::id).containsExactly("b");

        List<ScanRow> window = index.scan(new ScanQuery("s", Optional.empty(), T0, T0.plusSeconds(5),
                Optional.empty(), 100));
        assertThat(window).extracting(ScanRow::id).containsExactly("a", "c");
    }

    @Test
    void kafkaOrderScanGoesPartitionByPartitionInOffsetOrder() {
        long seg = pending("t", "x", 5);
        index.commitSegments(List.of(seg), List.of(
                kafkaEntry("p1-o5", seg, T0, 0, 1, 5), kafkaEntry("p0-o9", seg, T0.minusSeconds(50), 1, 0, 9),
                kafkaEntry("p0-o2", seg, T0.plusSeconds(50), 2, 0, 2), kafkaEntry("p1-o1", seg, T0, 3, 1, 1),
                entry("no-kafka", seg, "t", "x", T0, 4, 1)));
        ScanQuery all = new ScanQuery("t", Optional.empty(), Instant.EPOCH, T0.plusSeconds(3600), Optional.empty(),
                100, ScanOrder.KAFKA_OFFSET, Optional.empty());

        List<ScanRow> rows = index.scan(all);
        assertThat(rows).extracting(ScanRow::id).containsExactly("p0-o2", "p0-o9", "p1-o1", "p1-o5");
        assertThat(index.scan(all.next(rows.get(1).position(ScanOrder.KAFKA_OFFSET), 100)))
                .extracting(ScanRow::id).containsExactly("p1-o1", "p1-o5");
        ScanQuery partition1 = new ScanQuery("t", Optional.empty(), Instant.EPOCH, T0.plusSeconds(3600),
                Optional.empty(), 100, ScanOrder.KAFKA_OFFSET, Optional.of(1));
        assertThat(index.scan(partition1)).extracting(ScanRow::id).containsExactly("p1-o1", "p1-o5");
    }

    @Test
    void expireDeletesOnlyOlderMessagesOfThatStream() {
        long seg = pending("s", "t", 3);
        index.commitSegments(List.of(seg), List.of(entry("old", seg, "s", "t", T0.minusSeconds(100), 0, 1),
                entry("new", seg, "s", "t", T0, 1, 1), entry("elsewhere", seg, "s2", "t", T0.minusSeconds(100), 2, 1)));

        DeleteOutcome out = catalog.expire("s", T0.minusSeconds(1), 10);

        assertThat(out.deleted()).isEqualTo(1);
        assertThat(index.locate(List.of("old", "new", "elsewhere"))).extracting(MessageLocation::id)
                .containsExactlyInAnyOrder("new", "elsewhere");
    }

    @Test
    void relocateMovesLiveMessagesAndRetiresTheOldSegment() {
        long seg = pending("s", "t", 3);
        index.commitSegments(List.of(seg), List.of(entry("a", seg, "s", "t", T0, 0, 10),
                entry("b", seg, "s", "t", T0, 10, 10), entry("c", seg, "s", "t", T0, 20, 10)));
        index.delete(List.of("b"));
        SegmentRef sparse = catalog.sparseSegments(0.0, 0, 10).get(0);
        assertThat(sparse.liveCount()).isEqualTo(2);
        assertThat(catalog.liveMessages(sparse)).extracting(IndexedMessage::id).containsExactly("a", "c");

        long fresh = pending("s", "t", 2, 20);
        int moved = catalog.relocate(sparse, fresh, Map.of("a", new int[] {0, 10}, "c", new int[] {10, 10}));

        assertThat(moved).isEqualTo(2);
        assertThat(index.locate(List.of("c")).get(0)).extracting(MessageLocation::segmentId, MessageLocation::offset)
                .containsExactly(fresh, 10);
        assertThat(catalog.deadSegments()).extracting(SegmentRef::id).containsExactly(seg);
        assertThat(catalog.sparseSegments(0.0, 0, 10)).isEmpty();
    }

    @Test
    void migrationsRunOnceAcrossRestarts(TestInfo info) {
        String schema = db.description().replaceAll(".*\\(schema (.*)\\)", "$1");
        try (Database again = connect(schema)) {
            int versions = again.withConnection("count versions", c -> {
                try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM schema_version")) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            assertThat(versions).isEqualTo(4);
        }
    }

    private long pending(String stream, String type, int count) {
        return pending(stream, type, count, 100);
    }

    private long pending(String stream, String type, int count, long size) {
        return index.addPendingSegments(List.of(new NewSegment("k/" + java.util.UUID.randomUUID() + ".bson", stream, type,
                size, count, T0.minusSeconds(100), T0.plusSeconds(100)))).get(0);
    }

    private static IndexEntry entry(String id, long seg, String stream, String type, Instant time, int offset, int length) {
        return new IndexEntry(id, seg, stream, type, time, offset, length, digest(id), null, null);
    }

    private static IndexEntry kafkaEntry(String id, long seg, Instant time, int offset, int partition, long kafkaOffset) {
        return new IndexEntry(id, seg, "t", "x", time, offset, 1, digest(id), partition, kafkaOffset);
    }

    private static byte[] digest(String id) {
        return java.util.Arrays.copyOf(id.getBytes(java.nio.charset.StandardCharsets.UTF_8), 16);
    }

}
