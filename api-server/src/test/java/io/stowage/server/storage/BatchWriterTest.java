package io.stowage.server.storage;

import static io.stowage.server.testing.Msgs.event;
import static io.stowage.server.testing.Msgs.kafka;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.api.v1.Message;
import io.stowage.server.metrics.ArchiveMetrics;
import io.stowage.server.storage.blob.FileBlobStore;
import io.stowage.server.storage.error.StorageUnavailableException;
import io.stowage.server.storage.index.IndexEntry;
import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.storage.index.MessageLocation;
import io.stowage.server.storage.index.NewSegment;
import io.stowage.server.storage.index.SegmentRef;
import io.stowage.server.storage.index.WrittenSegment;
import io.stowage.server.testing.ForwardingIndex;
import io.stowage.server.testing.MemoryEngine;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The write path of PutBatch over the in-memory index and files. */
class BatchWriterTest {
    private static final Instant T = Instant.parse("2024-01-01T10:15:00Z");
    private static final Duration GRACE = MemoryEngine.KEEP_FOREVER.pendingGrace();

    @TempDir
    Path dir;

    /** The index of the engine {@link #countingEngine} started: what the write path asked of it. */
    private CountingIndex counting;

    /** An engine whose index records the calls the write path makes, in {@link #counting}. */
    private MemoryEngine countingEngine() {
        return MemoryEngine.start(dir, MemoryEngine.KEEP_FOREVER, real -> counting = new CountingIndex(real),
                UnaryOperator.identity());
    }

    @Test
    void aBatchIsStoredAsOneSegmentPerLayoutPartition() {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            PutOutcome out = e.writer().put(List.of(event("a", "s", "t", T, "A"), event("b", "s", "t", T.plusSeconds(60),
                    "B"), event("c", "s", "u", T, "C"), event("d", "s", "t", T.plusSeconds(3600), "D")));

            assertThat(out.acknowledged()).isEqualTo(4);
            assertThat(out.rejected()).isEmpty();
            assertThat(e.objects()).hasSize(3).allMatch(ObjectKeys::isSegmentKey);
            assertThat(e.index().committedSegments(0, 10)).extracting(SegmentRef::liveCount).containsExactly(2, 1, 1);
            List<MessageLocation> where = e.index().locate(List.of("a", "b"));
            assertThat(where).extracting(MessageLocation::objectKey).containsOnly(where.get(0).objectKey());
            assertThat(e.archive().get(List.of("d", "a"))).extracting(Message::getTextData).containsExactly("D", "A");
        }
    }

    @Test
    void aRePutOfTheSameContentIsAcknowledgedAndItsSecondCopyIsCleanedAway() {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            e.writer().put(List.of(event("a", "s", "t", T, "A")));
            long first = e.index().locate(List.of("a")).get(0).segmentId();
            PutOutcome again = e.writer().put(List.of(event("a", "s", "t", T, "A")));

            assertThat(again.acknowledged()).isEqualTo(1);
            assertThat(again.rejected()).isEmpty();
            assertThat(e.index().locate(List.of("a")).get(0).segmentId()).isEqualTo(first);
            // the re-put wrote its copy before the commit found the id stored: a segment with nothing live
            assertThat(e.objects()).hasSize(2);
            assertThat(e.index().deadSegments()).hasSize(1);

            e.cleaner().clean();

            assertThat(e.objects()).hasSize(1);
            assertThat(e.archive().get(List.of("a"))).extracting(Message::getTextData).containsExactly("A");
        }
    }

    @Test
    void aBatchToNewPartitionsRegistersTheirPendingSegmentsInOneRoundTripAndLooksNothingUp() {
        try (MemoryEngine e = countingEngine()) {
            PutOutcome out = e.writer().put(List.of(event("a", "s", "t", T, "A"), event("b", "s", "u", T, "B")));

            assertThat(out.acknowledged()).isEqualTo(2);
            // nothing reserved yet for these two partitions: both registered in one round trip
            assertThat(counting.calls).containsExactly("addPendingSegments", "commitSegments");
            assertThat(counting.registered).containsExactly(2);
        }
    }

    @Test
    void onceItsPartitionsHaveSegmentsReservedABatchMakesOneRoundTripToTheIndex() {
        try (MemoryEngine e = countingEngine()) {
            e.writer().put(List.of(event("a1", "s", "t", T, "A"), event("b1", "s", "u", T, "B")));
            e.writer().put(List.of(event("a2", "s", "t", T, "A"), event("b2", "s", "u", T, "B"))); // 2 each: 1 spare
            counting.clear();

            PutOutcome out = e.writer().put(List.of(event("a3", "s", "t", T, "A"), event("b3", "s", "u", T, "B")));

            assertThat(out.acknowledged()).isEqualTo(2);
            assertThat(counting.calls).containsExactly("commitSegments");
            assertThat(e.index().committedSegments(0, 10)).hasSize(6);
        }
    }

    @Test
    void concurrentWritersOfOnePartitionEachTakeAPendingSegmentOfTheirOwn() throws Exception {
        try (MemoryEngine e = countingEngine()) {
            List<CompletableFuture<PutOutcome>> puts = new ArrayList<>();
            for (int w = 0; w < 8; w++) {
                int writer = w;
                puts.add(CompletableFuture.supplyAsync(() -> {
                    int acknowledged = 0;
                    for (int i = 0; i < 25; i++) {
                        acknowledged += e.writer().put(List.of(event("w" + writer + "-" + i, "s", "t", T, "M")))
                                .acknowledged();
                    }
                    return new PutOutcome(acknowledged, List.of());
                }));
            }
            for (CompletableFuture<PutOutcome> p : puts) {
                assertThat(p.get().acknowledged()).isEqualTo(25);
            }

            List<SegmentRef> committed = e.index().committedSegments(0, 1000);
            assertThat(committed).hasSize(200).allSatisfy(s -> assertThat(s.liveCount()).isEqualTo(1));
            assertThat(committed).extracting(SegmentRef::objectKey).doesNotHaveDuplicates();
            assertThat(counting.registered.stream().mapToInt(Integer::intValue).sum())
                    .isEqualTo(200 + e.writer().reservedSpares());
            e.writer().close();
            assertThat(e.index().retireAbandoned(Instant.MAX)).isEmpty();
        }
    }

    @Test
    void aRegistrationThatFailsPutsBackTheReservedSegmentsItsBatchHadTaken() {
        boolean[] failing = {false};
        UnaryOperator<MessageIndex> flaky = real -> new ForwardingIndex(real) {
            @Override
            public List<Long> addPendingSegments(List<NewSegment> segments) {
                if (failing[0]) {
                    throw new StorageUnavailableException("connection to the index lost (simulated)", null);
                }
                return real.addPendingSegments(segments);
            }
        };
        try (MemoryEngine e = MemoryEngine.start(dir, MemoryEngine.KEEP_FOREVER, flaky, UnaryOperator.identity())) {
            e.writer().put(List.of(event("a", "s", "t", T, "A")));
            e.writer().put(List.of(event("b", "s", "t", T, "B"))); // one spare for (s, t)
            failing[0] = true;

            // (s, t) has a spare, (s, u) needs a registration, which fails
            assertThatThrownBy(() -> e.writer().put(List.of(event("c", "s", "t", T, "C"), event("d", "s", "u", T,
                    "D")))).isInstanceOf(StorageUnavailableException.class);

            assertThat(e.writer().reservedSpares()).isEqualTo(1);
            failing[0] = false;
            e.writer().put(List.of(event("c", "s", "t", T, "C")));
            assertThat(e.writer().reservedSpares()).isZero();
            e.writer().close();
            assertThat(e.index().retireAbandoned(Instant.MAX)).isEmpty();
        }
    }

    @Test
    void aPartitionThatKeepsBeingWrittenFindsItsPendingSegmentsReservedAhead() {
        try (MemoryEngine e = countingEngine()) {
            for (int i = 0; i < 40; i++) {
                assertThat(e.writer().put(List.of(event("m" + i, "s", "t", T, "M" + i))).acknowledged()).isEqualTo(1);
            }

            // 1, 2, 4, 8, 16, 32 at a time: six registrations for 40 batches, then 23 left in reserve
            assertThat(counting.registered).containsExactly(1, 2, 4, 8, 16, 32);
            assertThat(counting.calls.stream().filter("commitSegments"::equals)).hasSize(40);
            assertThat(e.index().committedSegments(0, 100)).hasSize(40)
                    .allSatisfy(s -> assertThat(s.liveCount()).isEqualTo(1));
            assertThat(e.index().messageCount()).isEqualTo(40);
        }
    }

    @Test
    void aSegmentReservedAheadGetsTheFactsOfItsObjectAtItsCommit() {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            e.writer().put(List.of(event("a", "s", "t", T, "A")));
            e.writer().put(List.of(event("b", "s", "t", T.plusSeconds(60), "BB"), event("c", "s", "t", T, "CCC")));

            SegmentRef second = e.index().committedSegments(0, 10).get(1);
            assertThat(second.minTime()).isEqualTo(T);
            assertThat(second.maxTime()).isEqualTo(T.plusSeconds(60));
            assertThat(second.sizeBytes()).isEqualTo(e.blobs().read(second.objectKey()).length);
            assertThat(second.liveCount()).isEqualTo(2);
        }
    }

    @Test
    void reservedSegmentsThatAgeUnusedAreForgottenNotUsed() {
        try (MemoryEngine e = countingEngine()) {
            e.writer().put(List.of(event("a", "s", "t", T, "A")));
            e.writer().put(List.of(event("b", "s", "t", T, "B"))); // reserves two: one spare
            assertThat(e.writer().reservedSpares()).isEqualTo(1);
            long spare = e.index().committedSegments(0, 10).get(1).id() + 1;

            e.clock().advance(SegmentReservations.maxAgeFor(MemoryEngine.KEEP_FOREVER.pendingGrace()));
            counting.clear();
            e.writer().put(List.of(event("c", "s", "t", T, "C")));

            // the spare is too old to use: this write registers one of its own, and leaves the spare to the sweep
            assertThat(counting.calls).containsExactly("addPendingSegments", "commitSegments");
            assertThat(counting.registered).containsExactly(1);
            assertThat(e.writer().reservedSpares()).isZero();
            assertThat(e.index().isCommitted(spare)).isFalse();

            e.writer().forgetStaleReservations();

            assertThat(counting.calls).containsExactly("addPendingSegments", "commitSegments", "removeSegments");
            assertThat(e.index().retireAbandoned(Instant.MAX)).isEmpty();
            assertThat(e.index().messageCount()).isEqualTo(3);
        }
    }

    @Test
    void segmentsReservedByAWriterThatCrashedAreRetiredByCleanAfterTheGrace() {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            BatchWriter crashing = new BatchWriter(e.index(), e.blobs(), e.io(), MemoryEngine.LIMITS, e.clock(),
                    new ArchiveMetrics(new SimpleMeterRegistry()), SegmentFormat.PLAIN,
                    MemoryEngine.KEEP_FOREVER.pendingGrace());
            crashing.put(List.of(event("a", "s", "t", T, "A")));
            crashing.put(List.of(event("b", "s", "t", T, "B")));
            assertThat(crashing.reservedSpares()).isEqualTo(1); // and it is not closed: a crash

            assertThat(e.cleaner().clean().orphanedSegments()).isZero();
            e.clock().advance(MemoryEngine.KEEP_FOREVER.pendingGrace().plusSeconds(1));

            assertThat(e.cleaner().clean().orphanedSegments()).isEqualTo(1);
            assertThat(e.index().retireAbandoned(Instant.MAX)).isEmpty();
            assertThat(e.archive().get(List.of("a", "b"))).extracting(Message::getTextData).containsExactly("A", "B");
            crashing.close(); // only to stop its sweeper thread
        }
    }

    @Test
    void withAGracePeriodTooShortToReserveInEachWriteRegistersItsOwn() {
        try (MemoryEngine e = countingEngine();
                BatchWriter writer = new BatchWriter(counting, e.blobs(), e.io(), MemoryEngine.LIMITS, e.clock(),
                        new ArchiveMetrics(new SimpleMeterRegistry()), SegmentFormat.PLAIN, Duration.ZERO)) {
            counting.clear();
            for (int i = 0; i < 3; i++) {
                writer.put(List.of(event("m" + i, "s", "t", T, "M")));
            }

            assertThat(counting.registered).containsExactly(1, 1, 1);
            assertThat(writer.reservedSpares()).isZero();
            assertThat(e.index().retireAbandoned(Instant.MAX)).isEmpty();
        }
    }

    @Test
    void closingTheWriterForgetsTheSegmentsItReservedAndDidNotUse() {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            e.writer().put(List.of(event("a", "s", "t", T, "A")));
            e.writer().put(List.of(event("b", "s", "t", T, "B")));
            assertThat(e.writer().reservedSpares()).isEqualTo(1);

            e.writer().close();

            assertThat(e.writer().reservedSpares()).isZero();
            assertThat(e.index().retireAbandoned(Instant.MAX)).isEmpty();
            assertThat(e.index().committedSegments(0, 10)).hasSize(2);
        }
    }

    @Test
    void aKafkaPartitionReDeliveredAmongFreshOnesIsSettledByTheCommitAndKeepsItsStoredRows() {
        try (MemoryEngine e = countingEngine()) {
            Message x = kafka("x", "orders", 1, 7).setTextData("X").build();
            Message y = kafka("y", "orders", 1, 8).setTextData("Y").build();
            e.writer().put(List.of(x, y));
            long stored = e.index().locate(List.of("x")).get(0).segmentId();
            counting.clear();

            PutOutcome out = e.writer().put(List.of(kafka("a", "orders", 0, 3).setTextData("A").build(), x,
                    kafka("b", "orders", 0, 4).setTextData("B").build(), y,
                    kafka("c", "orders", 2, 9).setTextData("C").build()));

            assertThat(out.acknowledged()).isEqualTo(5);
            assertThat(out.rejected()).isEmpty();
            // only the ids the commit found stored are looked up, after it
            assertThat(counting.calls).containsExactly("addPendingSegments", "commitSegments", "findDigests");
            assertThat(counting.lookedUp).singleElement().satisfies(ids -> assertThat(ids)
                    .containsExactlyInAnyOrder("x", "y"));
            assertThat(e.index().locate(List.of("x", "y"))).extracting(MessageLocation::segmentId)
                    .containsOnly(stored);
            assertThat(e.index().messageCount()).isEqualTo(5);
            assertThat(e.archive().get(List.of("a", "x", "b", "y", "c"))).extracting(Message::getTextData)
                    .containsExactly("A", "X", "B", "Y", "C");
        }
    }

    @Test
    void aStoredIdWithOtherContentInABatchIsRejectedAndOnlyTheStoredIdsAreLookedUp() {
        try (MemoryEngine e = countingEngine()) {
            e.writer().put(List.of(event("b", "s", "t", T, "B"), event("d", "s", "t", T, "D")));
            long first = e.index().locate(List.of("b")).get(0).segmentId();
            counting.clear();

            PutOutcome out = e.writer().put(List.of(event("a", "s", "t", T, "A"), event("b", "s", "t", T, "B"),
                    event("d", "s", "t", T, "other"), event("c", "s", "t", T, "C")));

            assertThat(out.acknowledged()).isEqualTo(3);
            assertThat(out.rejected()).extracting(PutOutcome.Rejected::index, PutOutcome.Rejected::reason)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(2, "id is already stored with other content"));
            assertThat(counting.calls).containsExactly("addPendingSegments", "commitSegments", "findDigests");
            assertThat(counting.lookedUp).singleElement().satisfies(ids -> assertThat(ids)
                    .containsExactlyInAnyOrder("b", "d"));
            assertThat(e.index().locate(List.of("b")).get(0).segmentId()).isEqualTo(first);
            assertThat(e.index().messageCount()).isEqualTo(4);
            assertThat(e.archive().get(List.of("a", "b", "c", "d"))).extracting(Message::getTextData)
                    .containsExactly("A", "B", "C", "D");
        }
    }

    @Test
    void aPartlyStoredBatchIndexesOnlyTheNewIdsAndKeepsTheStoredRows() {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            e.writer().put(List.of(event("a", "s", "t", T, "A")));
            long first = e.index().locate(List.of("a")).get(0).segmentId();

            PutOutcome out = e.writer().put(List.of(event("a", "s", "t", T, "A"), event("b", "s", "t", T, "B")));

            assertThat(out.acknowledged()).isEqualTo(2);
            assertThat(e.index().locate(List.of("a")).get(0).segmentId()).isEqualTo(first);
            assertThat(e.index().messageCount()).isEqualTo(2);
            assertThat(e.archive().get(List.of("a", "b"))).extracting(Message::getTextData).containsExactly("A", "B");
        }
    }

    @Test
    void aBatchOfConflictsOnlyIndexesNothingAndItsObjectIsCleanedAway() {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            e.writer().put(List.of(event("a", "s", "t", T, "A")));

            PutOutcome out = e.writer().put(List.of(event("a", "s", "t", T, "other")));

            assertThat(out.acknowledged()).isZero();
            assertThat(out.rejected()).extracting(PutOutcome.Rejected::reason)
                    .containsExactly("id is already stored with other content");
            assertThat(e.index().deadSegments()).hasSize(1);
            e.cleaner().clean();
            assertThat(e.objects()).hasSize(1);
            assertThat(e.archive().get(List.of("a"))).extracting(Message::getTextData).containsExactly("A");
        }
    }

    @Test
    void concurrentWritersOfOverlappingBatchesStoreEachIdOnce() throws Exception {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            for (int round = 0; round < 20; round++) {
                List<Message> left = List.of(event("x" + round, "s", "t", T, "X"), event("y" + round, "s", "t", T, "Y"));
                List<Message> right = List.of(event("y" + round, "s", "t", T, "Y"), event("z" + round, "s", "t", T, "Z"));
                CyclicBarrier start = new CyclicBarrier(2);
                CompletableFuture<PutOutcome> one = CompletableFuture.supplyAsync(() -> putAfter(start, e, left));
                CompletableFuture<PutOutcome> two = CompletableFuture.supplyAsync(() -> putAfter(start, e, right));

                assertThat(List.of(one.get(), two.get())).allSatisfy(out -> {
                    assertThat(out.acknowledged()).isEqualTo(2);
                    assertThat(out.rejected()).isEmpty();
                });
            }
            assertThat(e.index().messageCount()).isEqualTo(60);
        }
    }

    @Test
    void anIdStoredWithOtherContentIsRejectedAndTheRestStored() {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            e.writer().put(List.of(event("a", "s", "t", T, "A")));
            PutOutcome out = e.writer().put(List.of(event("b", "s", "t", T, "B"), event("a", "s", "t", T, "other")));

            assertThat(out.acknowledged()).isEqualTo(1);
            assertThat(out.rejected()).extracting(PutOutcome.Rejected::index, PutOutcome.Rejected::id)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(1, "a"));
            assertThat(e.archive().get(List.of("a"))).extracting(Message::getTextData).containsExactly("A");
        }
    }

    @Test
    void repeatsInsideABatchShareTheOutcomeOfTheirFirstCopy() {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            e.writer().put(List.of(event("old", "s", "t", T, "OLD")));
            PutOutcome out = e.writer().put(List.of(event("a", "s", "t", T, "A"), event("a", "s", "t", T, "A"),
                    event("a", "s", "t", T, "not A"), event("old", "s", "t", T, "changed"),
                    event("old", "s", "t", T, "changed")));

            assertThat(out.acknowledged()).isEqualTo(2);
            assertThat(out.rejected()).extracting(PutOutcome.Rejected::index).containsExactly(2, 3, 4);
            assertThat(out.rejected().get(0).reason()).contains("message #0 of the same batch");
            assertThat(out.rejected().get(2).reason()).isEqualTo(out.rejected().get(1).reason());
            assertThat(e.index().messageCount()).isEqualTo(2);
        }
    }

    @Test
    void anIdThatARivalStoredWithTheSameContentMeanwhileIsAcknowledged() {
        List<Message> batch = List.of(event("x", "s", "t", T, "X"), event("y", "s", "t", T, "Y"));
        try (MemoryEngine e = MemoryEngine.start(dir, MemoryEngine.KEEP_FOREVER,
                real -> new RivalAfterPending(real, rivalPuts(event("x", "s", "t", T, "X"))),
                UnaryOperator.identity())) {
            PutOutcome out = e.writer().put(batch);

            assertThat(out.acknowledged()).isEqualTo(2);
            assertThat(out.rejected()).isEmpty();
            assertThat(e.index().messageCount()).isEqualTo(2);
            assertThat(e.archive().get(List.of("x", "y"))).extracting(Message::getTextData).containsExactly("X", "Y");
        }
    }

    @Test
    void anIdThatARivalStoredWithOtherContentMeanwhileIsRejected() {
        try (MemoryEngine e = MemoryEngine.start(dir, MemoryEngine.KEEP_FOREVER,
                real -> new RivalAfterPending(real, rivalPuts(event("x", "s", "t", T, "RIVAL"))),
                UnaryOperator.identity())) {
            PutOutcome out = e.writer().put(List.of(event("x", "s", "t", T, "MINE")));

            assertThat(out.acknowledged()).isZero();
            assertThat(out.rejected()).extracting(PutOutcome.Rejected::reason)
                    .containsExactly("id is already stored with other content");
            assertThat(e.archive().get(List.of("x"))).extracting(Message::getTextData).containsExactly("RIVAL");
        }
    }

    @Test
    void concurrentWritersOfTheSameIdsStoreEachOnceAndAllAcknowledge() throws Exception {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            for (int round = 0; round < 20; round++) {
                List<Message> batch = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    batch.add(event("r" + round + "-" + i, "s", "t", T.plusSeconds(i * 1800L), "same"));
                }
                CyclicBarrier start = new CyclicBarrier(2);
                CompletableFuture<PutOutcome> one = CompletableFuture.supplyAsync(() -> putAfter(start, e, batch));
                CompletableFuture<PutOutcome> two = CompletableFuture.supplyAsync(() -> putAfter(start, e, batch));

                assertThat(List.of(one.get(), two.get())).allSatisfy(out -> {
                    assertThat(out.acknowledged()).isEqualTo(5);
                    assertThat(out.rejected()).isEmpty();
                });
            }
            assertThat(e.index().messageCount()).isEqualTo(100);
        }
    }

    @Test
    void aWriteWhoseSegmentsWereRetiredAsAbandonedFailsAndIndexesNothing() {
        UnaryOperator<MessageIndex> slow = real -> new ForwardingIndex(real) {
            @Override
            public Collection<String> commitSegments(List<WrittenSegment> written, List<IndexEntry> entries) {
                real.retireAbandoned(Instant.MAX); // the cleaner's grace ran out while the object was written
                return real.commitSegments(written, entries);
            }
        };
        try (MemoryEngine e = MemoryEngine.start(dir, MemoryEngine.KEEP_FOREVER, slow, UnaryOperator.identity())) {
            assertThatThrownBy(() -> e.writer().put(List.of(event("a", "s", "t", T, "A"))))
                    .isInstanceOf(StorageUnavailableException.class).hasMessageContaining("retry the batch");
            assertThat(e.index().locate(List.of("a"))).isEmpty();
        }
    }

    private static PutOutcome putAfter(CyclicBarrier start, MemoryEngine e, List<Message> batch) {
        try {
            start.await();
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
        return e.writer().put(batch);
    }

    /** Another server's writer, over the same index and folder, putting {@code msg}. */
    private Consumer<MessageIndex> rivalPuts(Message msg) {
        return index -> {
            try (BatchWriter rival = new BatchWriter(index, new FileBlobStore(dir), new ParallelIo(1),
                    MemoryEngine.LIMITS, Clock.systemUTC(), new ArchiveMetrics(new SimpleMeterRegistry()),
                    SegmentFormat.PLAIN, GRACE)) {
                rival.put(List.of(msg));
            }
        };
    }

    /** Records which write-path calls reach the index. */
    private static final class CountingIndex extends ForwardingIndex {
        final List<String> calls = new CopyOnWriteArrayList<>();
        /** How many pending segments each registration held. */
        final List<Integer> registered = new CopyOnWriteArrayList<>();
        /** The ids looked up, per call. */
        final List<List<String>> lookedUp = new CopyOnWriteArrayList<>();

        CountingIndex(MessageIndex real) {
            super(real);
        }

        void clear() {
            calls.clear();
            registered.clear();
            lookedUp.clear();
        }

        @Override
        public List<Long> addPendingSegments(List<NewSegment> segments) {
            calls.add("addPendingSegments");
            registered.add(segments.size());
            return real.addPendingSegments(segments);
        }

        @Override
        public void removeSegments(Collection<Long> segmentIds) {
            calls.add("removeSegments");
            real.removeSegments(segmentIds);
        }

        @Override
        public Map<String, byte[]> findDigests(Collection<String> ids) {
            calls.add("findDigests");
            lookedUp.add(List.copyOf(ids));
            return real.findDigests(ids);
        }

        @Override
        public Collection<String> commitSegments(List<WrittenSegment> written, List<IndexEntry> entries) {
            calls.add("commitSegments");
            return real.commitSegments(written, entries);
        }
    }

    /** An index where a rival writer stores its batch right after our pending segments are registered. */
    private static final class RivalAfterPending extends ForwardingIndex {
        private final Consumer<MessageIndex> rival;
        private boolean done;

        RivalAfterPending(MessageIndex real, Consumer<MessageIndex> rival) {
            super(real);
            this.rival = rival;
        }

        @Override
        public List<Long> addPendingSegments(List<NewSegment> segments) {
            List<Long> ids = real.addPendingSegments(segments);
            if (!done) {
                done = true;
                rival.accept(real);
            }
            return ids;
        }
    }
}
