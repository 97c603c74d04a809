package io.stowage.server.storage.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.stowage.server.storage.error.StorageException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

/**
 * What every {@link MessageIndex} does: the write protocol, look-ups, deletes, scans and status
 * here, the segment side in {@link SegmentCatalogContractTest}. One subclass per adapter, which
 * only builds the adapter.
 */
public abstract class MessageIndexContractTest extends SegmentCatalogContractTest {

    @Test
    void committedMessagesCanBeLocatedAndTheirDigestsFound() {
        long seg = pending("s", "t", 2);
        Collection<String> indexed = index.commitRegistered(List.of(seg), List.of(entry("a", seg, "s", "t", T0, 0, 10),
                entry("b", seg, "s", "t", T0.plusSeconds(1), 10, 20)));

        assertThat(indexed).containsExactlyInAnyOrder("a", "b");
        assertThat(index.locate(List.of("b", "a", "zz"))).extracting(MessageLocation::id, MessageLocation::offset,
                MessageLocation::length).containsExactlyInAnyOrder(tuple("a", 0, 10), tuple("b", 10, 20));
        assertThat(index.findDigests(List.of("a", "x")).keySet()).containsExactly("a");
        assertThat(index.findDigests(List.of("a")).get("a")).isEqualTo(digest("a"));
    }

    @Test
    void pendingSegmentsHideNothingAndCountNothing() {
        NewSegment s = newSegment("s", "t", 1, 100);
        long seg = index.addPendingSegments(List.of(s)).get(0);

        assertThat(index.status(Optional.empty())).isEmpty();
        assertThat(index.isCommitted(seg)).isFalse();
        assertThat(index.committedSegments(0, 10)).isEmpty();
        assertThat(index.deadSegments()).isEmpty();
        assertThat(index.messageCount()).isZero();
        assertThat(index.knownObjectKeys(List.of(s.objectKey(), "k/other.bson"))).containsExactly(s.objectKey());
        assertThat(index.streams()).containsExactly("s");
    }

    @Test
    void aCommitSetsTheFactsOfTheWrittenObjectOnASegmentRegisteredWithPlaceholders() {
        Instant hour = T0.truncatedTo(ChronoUnit.HOURS);
        NewSegment reserved = new NewSegment("k/" + UUID.randomUUID() + ".bson", "s", "t", 0, 0, hour, hour);
        long seg = index.addPendingSegments(List.of(reserved)).get(0);

        Collection<String> indexed = index.commitSegments(List.of(new WrittenSegment(seg, 30L, 3, T0,
                T0.plusSeconds(5))), List.of(entry("a", seg, "s", "t", T0, 0, 10),
                entry("b", seg, "s", "t", T0.plusSeconds(5), 10, 10)));

        assertThat(indexed).containsExactlyInAnyOrder("a", "b");
        assertThat(index.committedSegments(0, 10)).singleElement().satisfies(c -> {
            assertThat(c.sizeBytes()).isEqualTo(30);
            assertThat(c.minTime()).isEqualTo(T0);
            assertThat(c.maxTime()).isEqualTo(T0.plusSeconds(5));
            assertThat(c.liveCount()).isEqualTo(2);
            assertThat(c.liveBytes()).isEqualTo(20);
        });
        // by its end, the retention's whole-segment expiry takes it once its last message is past the cut
        assertThat(index.expireSegments("s", T0.plusSeconds(5), 100).deleted()).isZero();
        assertThat(index.expireSegments("s", T0.plusSeconds(6), 100).deleted()).isEqualTo(2);
    }

    @Test
    void pendingSegmentsGetIncreasingIdsInTheOrderGiven() {
        List<Long> ids = index.addPendingSegments(List.of(newSegment("s", "t", 1, 10), newSegment("s", "u", 1, 10),
                newSegment("r", "t", 1, 10)));
        assertThat(ids).hasSize(3).doesNotHaveDuplicates().isSorted();
    }

    @Test
    void aSegmentWhoseKeyIsTakenIsRefused() {
        NewSegment s = newSegment("s", "t", 1, 100);
        index.addPendingSegments(List.of(s));
        assertThatThrownBy(() -> index.addPendingSegments(List.of(s))).isInstanceOf(StorageException.class);
    }

    @Test
    void anIdAlreadyIndexedIsLeftOutOfALaterCommit() {
        long first = pending("s", "t", 1);
        index.commitRegistered(List.of(first), List.of(entry("a", first, "s", "t", T0, 0, 10)));
        long second = pending("s", "t", 2);

        Collection<String> indexed = index.commitRegistered(List.of(second),
                List.of(entry("a", second, "s", "t", T0, 0, 10), entry("b", second, "s", "t", T0, 10, 5)));

        assertThat(indexed).containsExactly("b");
        assertThat(index.locate(List.of("a")).get(0).segmentId()).isEqualTo(first);
        StreamStats stats = index.status(Optional.of("s")).get(0);
        assertThat(stats.messages()).isEqualTo(2);
        assertThat(stats.bytes()).isEqualTo(15);
    }

    @Test
    void concurrentWritersOfTheSameIdIndexItOnce() throws Exception {
        for (int i = 0; i < 10; i++) {
            int round = i;
            String shared = "shared-" + round;
            long one = pending("s", "t", 2);
            long two = pending("s", "t", 2);
            CyclicBarrier start = new CyclicBarrier(2);
            CompletableFuture<Collection<String>> a = CompletableFuture.supplyAsync(() -> commitAfter(start, one,
                    List.of(entry(shared, one, "s", "t", T0, 0, 10), entry("a-" + round, one, "s", "t", T0, 10, 10))));
            CompletableFuture<Collection<String>> b = CompletableFuture.supplyAsync(() -> commitAfter(start, two,
                    List.of(entry(shared, two, "s", "t", T0, 0, 10), entry("b-" + round, two, "s", "t", T0, 10, 10))));

            List<String> indexed = new ArrayList<>(a.get());
            indexed.addAll(b.get());
            assertThat(indexed).containsOnlyOnce(shared).contains("a-" + round, "b-" + round);
            assertThat(index.locate(List.of(shared))).singleElement()
                    .satisfies(l -> assertThat(l.segmentId()).isIn(one, two));
        }
        assertThat(index.messageCount()).isEqualTo(30);
    }

    private Collection<String> commitAfter(CyclicBarrier start, long segment, List<IndexEntry> entries) {
        try {
            start.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return index.commitRegistered(List.of(segment), entries);
    }

    @Test
    void aSegmentIsCommittedOnlyOnce() {
        long seg = committed("a");
        Collection<String> again = index.commitRegistered(List.of(seg), List.of(entry("b", seg, "s", "t", T0, 10, 10)));

        assertThat(again).isEmpty();
        assertThat(index.locate(List.of("b"))).isEmpty();
        assertThat(segment(seg).liveCount()).isEqualTo(1);
    }

    @Test
    void deleteCountsOnlyStoredIdsAndReportsEmptiedSegments() {
        long seg = pending("s", "t", 2);
        index.commitRegistered(List.of(seg), List.of(entry("a", seg, "s", "t", T0, 0, 10),
                entry("b", seg, "s", "t", T0, 10, 7)));

        DeleteOutcome first = index.delete(List.of("a", "unknown"));
        assertThat(first.deleted()).isEqualTo(1);
        assertThat(first.deletedBytes()).isEqualTo(10);
        assertThat(first.emptied()).isEmpty();

        DeleteOutcome second = index.delete(List.of("a", "b", "b"));
        assertThat(second.deleted()).isEqualTo(1);
        assertThat(second.deletedBytes()).isEqualTo(7);
        assertThat(second.emptied()).singleElement().satisfies(s -> {
            assertThat(s.id()).isEqualTo(seg);
            assertThat(s.liveCount()).isZero();
            assertThat(s.liveBytes()).isZero();
        });
        assertThat(index.delete(List.of("a"))).isEqualTo(DeleteOutcome.NONE);
    }

    @Test
    void timesAreKeptToTheMicrosecond() {
        long seg = pending("s", "t", 1);
        index.commitRegistered(List.of(seg), List.of(entry("a", seg, "s", "t", T0.plusNanos(789), 0, 10)));

        List<ScanRow> rows = index.scan(new ScanQuery("s", Optional.empty(), Instant.EPOCH, T0.plusSeconds(1),
                Optional.empty(), 10));
        assertThat(rows).extracting(ScanRow::time).containsExactly(T0);
    }

    @Test
    void statusSumsTheCommittedSegmentsOfEachStreamInNameOrder() {
        long s1 = pending("s", "t", 2, 50);
        long s2 = pending("s", "u", 1, 30);
        long r = pending("r", "t", 1, 40);
        index.commitRegistered(List.of(s1, s2, r), List.of(entry("a", s1, "s", "t", T0.minusSeconds(9), 0, 10),
                entry("b", s1, "s", "t", T0, 10, 10), entry("c", s2, "s", "u", T0.plusSeconds(9), 0, 5),
                entry("d", r, "r", "t", T0, 0, 8)));
        index.delete(List.of("b"));

        assertThat(index.status(Optional.empty())).containsExactly(
                new StreamStats("r", 1, 8, T0, T0, 1, 40),
                new StreamStats("s", 2, 15, T0.minusSeconds(9), T0.plusSeconds(9), 2, 80));
        assertThat(index.status(Optional.of("r"))).extracting(StreamStats::stream).containsExactly("r");
        assertThat(index.status(Optional.of("unknown"))).isEmpty();
    }

    @Test
    void scanIsOrderedByTimeThenIdAndResumesAfterAPosition() {
        long seg = pending("s", "t", 4);
        long ofTypeU = pending("s", "u", 1);
        index.commitRegistered(List.of(seg, ofTypeU), List.of(entry("c", seg, "s", "t", T0, 0, 1),
                entry("a", seg, "s", "t", T0, 1, 1), entry("b", ofTypeU, "s", "u", T0.plusSeconds(5), 0, 1),
                entry("d", seg, "s", "t", T0.minusSeconds(5), 3, 1), entry("other", seg, "s2", "t", T0, 4, 1)));

        List<ScanRow> all = index.scan(timeScan("s", Optional.empty(), Instant.EPOCH, T0.plusSeconds(3600), 100));
        assertThat(all).extracting(ScanRow::id).containsExactly("d", "a", "c", "b");
        assertThat(all.get(1)).extracting(ScanRow::stream, ScanRow::type, ScanRow::time)
                .containsExactly("s", "t", T0);
        assertThat(all.get(1).location()).isEqualTo(new MessageLocation("a", seg, segment(seg).objectKey(), 1, 1));

        ScanQuery everything = timeScan("s", Optional.empty(), Instant.EPOCH, T0.plusSeconds(3600), 100);
        assertThat(index.scan(everything.next(all.get(1).position(ScanOrder.TIME), 100))).extracting(ScanRow::id)
                .containsExactly("c", "b");
        assertThat(index.scan(everything.withLimit(2))).extracting(ScanRow::id).containsExactly("d", "a");
        assertThat(index.scan(timeScan("s", Optional.of("u"), Instant.EPOCH, T0.plusSeconds(3600), 100)))
                .extracting(ScanRow::id).containsExactly("b");
        assertThat(index.scan(timeScan("s", Optional.empty(), T0, T0.plusSeconds(5), 100)))
                .extracting(ScanRow::id).containsExactly("a", "c");
        assertThat(index.scan(timeScan("unknown", Optional.empty(), Instant.EPOCH, T0.plusSeconds(3600), 100)))
                .isEmpty();
        assertThat(index.scan(timeScan("s", Optional.of("unknown"), Instant.EPOCH, T0.plusSeconds(3600), 100)))
                .isEmpty();
    }

    private static ScanQuery timeScan(String stream, Optional<String> type, Instant from, Instant to, int limit) {
        return new ScanQuery(stream, type, from, to, Optional.empty(), limit);
    }

    @Test
    void kafkaOrderScanGoesPartitionByPartitionInOffsetOrder() {
        long seg = pending("t", "x", 5);
        index.commitRegistered(List.of(seg), List.of(
                kafkaEntry("p1-o5", seg, T0, 0, 1, 5), kafkaEntry("p0-o9", seg, T0.minusSeconds(50), 1, 0, 9),
                kafkaEntry("p0-o2", seg, T0.plusSeconds(50), 2, 0, 2), kafkaEntry("p1-o1", seg, T0, 3, 1, 1),
                entry("no-kafka", seg, "t", "x", T0, 4, 1)));
        ScanQuery all = new ScanQuery("t", Optional.empty(), Instant.EPOCH, T0.plusSeconds(3600), Optional.empty(),
                100, ScanOrder.KAFKA_OFFSET, Optional.empty());

        List<ScanRow> rows = index.scan(all);
        assertThat(rows).extracting(ScanRow::id).containsExactly("p0-o2", "p0-o9", "p1-o1", "p1-o5");
        assertThat(rows.get(1)).extracting(ScanRow::kafkaPartition, ScanRow::kafkaOffset).containsExactly(0, 9L);
        assertThat(index.scan(all.next(rows.get(1).position(ScanOrder.KAFKA_OFFSET), 100)))
                .extracting(ScanRow::id).containsExactly("p1-o1", "p1-o5");
        ScanQuery partition1 = new ScanQuery("t", Optional.empty(), Instant.EPOCH, T0.plusSeconds(3600),
                Optional.empty(), 100, ScanOrder.KAFKA_OFFSET, Optional.of(1));
        assertThat(index.scan(partition1)).extracting(ScanRow::id).containsExactly("p1-o1", "p1-o5");
        ScanQuery partition0InTime = new ScanQuery("t", Optional.empty(), Instant.EPOCH, T0.plusSeconds(3600),
                Optional.empty(), 100, ScanOrder.TIME, Optional.of(0));
        assertThat(index.scan(partition0InTime)).extracting(ScanRow::id).containsExactly("p0-o9", "p0-o2");
    }

    @Test
    void countGivesWhatAKafkaOrderScanOfTheSameRangeHolds() {
        long seg = pending("t", "x", 6);
        index.commitRegistered(List.of(seg), List.of(
                kafkaEntry("p1-o5", seg, T0, 0, 1, 5), kafkaEntry("p0-o9", seg, T0.minusSeconds(50), 1, 0, 9),
                kafkaEntry("p0-o2", seg, T0.plusSeconds(50), 2, 0, 2), kafkaEntry("p1-o1", seg, T0, 3, 1, 1),
                kafkaEntry("p0-o20-late", seg, T0.plusSeconds(60), 4, 0, 20),
                entry("no-kafka", seg, "t", "x", T0, 5, 1)));
        List<CountQuery.Probe> probes = List.of(new CountQuery.Probe(0, 9), new CountQuery.Probe(0, 10),
                new CountQuery.Probe(1, 0), new CountQuery.Probe(0, 1000), new CountQuery.Probe(7, 3),
                new CountQuery.Probe(1, 5));
        // up to T0+60s exclusive: the late record of partition 0 is out
        CountResult r = index.count(new CountQuery("t", Optional.empty(), Instant.EPOCH, T0.plusSeconds(60), probes));

        assertThat(r.partitions()).extracting(CountResult.PartitionCount::partition, CountResult.PartitionCount::messages,
                        CountResult.PartitionCount::bytes, CountResult.PartitionCount::minOffset,
                        CountResult.PartitionCount::maxOffset, CountResult.PartitionCount::oldest)
                .containsExactly(tuple(0, 2L, 2L, 2L, 9L, T0.minusSeconds(50)), tuple(1, 2L, 2L, 1L, 5L, T0));
        assertThat(r.probes()).containsExactly(1L, 2L, 0L, 2L, 0L, 1L);
        assertThat(index.count(new CountQuery("t", Optional.of("x"), T0, T0.plusSeconds(3600), List.of())).partitions())
                .extracting(CountResult.PartitionCount::partition, CountResult.PartitionCount::messages)
                .containsExactly(tuple(0, 2L), tuple(1, 2L));
    }

    @Test
    void countAfterAScanPositionCountsWhatTheScanHasLeft() {
        long seg = pending("t", "x", 4);
        index.commitRegistered(List.of(seg), List.of(
                kafkaEntry("p1-o5", seg, T0, 0, 1, 5), kafkaEntry("p0-o9", seg, T0, 1, 0, 9),
                kafkaEntry("p0-o2", seg, T0, 2, 0, 2), kafkaEntry("p1-o1", seg, T0, 3, 1, 1)));
        List<ScanRow> firstThree = index.scan(new ScanQuery("t", Optional.empty(), Instant.EPOCH, T0.plusSeconds(1),
                Optional.empty(), 3, ScanOrder.KAFKA_OFFSET, Optional.empty()));

        CountResult rest = index.count(new CountQuery("t", Optional.empty(), Instant.EPOCH, T0.plusSeconds(1),
                Optional.of(firstThree.get(2).position(ScanOrder.KAFKA_OFFSET)),
                List.of(new CountQuery.Probe(1, 5), new CountQuery.Probe(1, 6), new CountQuery.Probe(0, 100))));

        assertThat(firstThree).extracting(ScanRow::id).containsExactly("p0-o2", "p0-o9", "p1-o1");
        assertThat(rest.partitions()).extracting(CountResult.PartitionCount::partition,
                CountResult.PartitionCount::messages, CountResult.PartitionCount::minOffset)
                .containsExactly(tuple(1, 1L, 5L));
        assertThat(rest.probes()).containsExactly(0L, 1L, 0L);
    }

    @Test
    void countOfAnUnknownStreamOrTypeIsEmptyAndAnswersEveryProbeWithZero() {
        long seg = pending("t", "x", 1);
        index.commitRegistered(List.of(seg), List.of(kafkaEntry("p0-o1", seg, T0, 0, 0, 1)));
        List<CountQuery.Probe> probe = List.of(new CountQuery.Probe(0, 5));

        CountResult otherType = index.count(new CountQuery("t", Optional.of("y"), Instant.EPOCH, T0.plusSeconds(1), probe));
        CountResult otherStream = index.count(new CountQuery("u", Optional.empty(), Instant.EPOCH, T0.plusSeconds(1),
                probe));

        assertThat(otherType.partitions()).isEmpty();
        assertThat(otherType.probes()).containsExactly(0L);
        assertThat(otherStream.partitions()).isEmpty();
        assertThat(otherStream.probes()).containsExactly(0L);
    }

    private static final String UUID_ID = "3426d090-1b8a-4a09-ac9c-41f2de24d5ac";
    private static final String UPPER_CASE_UUID_ID = UUID_ID.toUpperCase(java.util.Locale.ROOT);
    private static final String SIXTEEN_CHARACTERS = "0123456789abcdef";

    @Test
    void uuidIdsAndTextIdsThatLookAlikeAreDifferentIds() {
        long seg = pending("s", "t", 3);
        index.commitRegistered(List.of(seg), List.of(entry(UUID_ID, seg, "s", "t", T0, 0, 10),
                entry(UPPER_CASE_UUID_ID, seg, "s", "t", T0, 10, 20), entry(SIXTEEN_CHARACTERS, seg, "s", "t", T0, 30, 5)));

        assertThat(index.locate(List.of(UUID_ID))).extracting(MessageLocation::id, MessageLocation::offset)
                .containsExactly(tuple(UUID_ID, 0));
        assertThat(index.locate(List.of(UPPER_CASE_UUID_ID, SIXTEEN_CHARACTERS))).extracting(MessageLocation::id,
                MessageLocation::offset).containsExactlyInAnyOrder(tuple(UPPER_CASE_UUID_ID, 10), tuple(SIXTEEN_CHARACTERS, 30));
        assertThat(index.findDigests(List.of(UUID_ID, UPPER_CASE_UUID_ID, "{" + UUID_ID + "}")))
                .containsOnlyKeys(UUID_ID, UPPER_CASE_UUID_ID)
                .satisfies(d -> assertThat(d.get(UPPER_CASE_UUID_ID)).isEqualTo(digest(UPPER_CASE_UUID_ID)));
        assertThat(index.liveMessages(segment(seg))).extracting(m -> m.location().id())
                .containsExactly(UUID_ID, UPPER_CASE_UUID_ID, SIXTEEN_CHARACTERS);

        long again = pending("s", "t", 2);
        assertThat(index.commitRegistered(List.of(again), List.of(entry(UUID_ID, again, "s", "t", T0, 0, 10),
                entry("{" + UUID_ID + "}", again, "s", "t", T0, 10, 10)))).containsExactly("{" + UUID_ID + "}");
        assertThat(index.delete(List.of(UPPER_CASE_UUID_ID)).deleted()).isEqualTo(1);
        assertThat(index.locate(List.of(UUID_ID, UPPER_CASE_UUID_ID))).extracting(MessageLocation::id)
                .containsExactly(UUID_ID);

        long merged = pending("s", "t", 2);
        assertThat(index.relocate(List.of(segment(seg)), merged, java.util.Map.of(UUID_ID, new int[] {7, 10},
                SIXTEEN_CHARACTERS, new int[] {0, 10}))).isEqualTo(2);
        assertThat(index.locate(List.of(UUID_ID))).extracting(MessageLocation::segmentId, MessageLocation::offset)
                .containsExactly(tuple(merged, 7));
    }

    @Test
    void scanOrdersIdsOfTheSameTimeByCodePointWhetherUuidOrText() {
        List<String> expected = List.of("00000000-0000-0000-0000-000000000001", SIXTEEN_CHARACTERS, UPPER_CASE_UUID_ID,
                UUID_ID, "Z", "zz", "\u00e9t\u00e9");
        long seg = pending("s", "t", expected.size());
        List<IndexEntry> entries = new ArrayList<>();
        for (int i = expected.size() - 1; i >= 0; i--) {
            entries.add(entry(expected.get(i), seg, "s", "t", T0, i, 1));
        }
        index.commitRegistered(List.of(seg), entries);
        ScanQuery all = timeScan("s", Optional.empty(), Instant.EPOCH, T0.plusSeconds(1), 100);

        assertThat(index.scan(all)).extracting(ScanRow::id).containsExactlyElementsOf(expected);
        List<String> paged = new ArrayList<>();
        List<ScanRow> page = index.scan(all.withLimit(1));
        while (!page.isEmpty()) {
            paged.add(page.get(0).id());
            page = index.scan(all.next(page.get(0).position(ScanOrder.TIME), 1));
        }
        assertThat(paged).containsExactlyElementsOf(expected);
    }

    @Test
    void checkReadyAnswersWhileOpenAndFailsOnceClosed() {
        index.checkReady(Duration.ofSeconds(2));
        assertThat(index.description()).isNotBlank();
        index.close();
        assertThatThrownBy(() -> index.checkReady(Duration.ofSeconds(2))).isInstanceOf(StorageException.class);
    }
}
