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
import io.stowage.server.testing.ForwardingIndex;
import io.stowage.server.testing.MemoryEngine;
import java.nio.file.Path;
import java.time.Clock;
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
    void aRePutOfTheSameContentIsAcknowledgedAndWritesNothing() {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            e.writer().put(List.of(event("a", "s", "t", T, "A")));
            PutOutcome again = e.writer().put(List.of(event("a", "s", "t", T, "A")));

            assertThat(again.acknowledged()).isEqualTo(1);
            assertThat(again.rejected()).isEmpty();
            assertThat(e.objects()).hasSize(1);
        }
    }

    @Test
    void aFreshBatchTakesTwoIndexRoundTripsAndNoSeparateLookUp() {
        try (MemoryEngine e = countingEngine()) {
            PutOutcome out = e.writer().put(List.of(event("a", "s", "t", T, "A"), event("b", "s", "u", T, "B")));

            assertThat(out.acknowledged()).isEqualTo(2);
            assertThat(counting.calls).containsExactly("registerPending", "commitSegments");
        }
    }

    @Test
    void aRePutOfStoredIdsWritesNoObjectAndLeavesNoPendingSegment() {
        try (MemoryEngine e = countingEngine()) {
            List<Message> batch = List.of(event("a", "s", "t", T, "A"), event("b", "s", "u", T, "B"));
            e.writer().put(batch);
            counting.calls.clear();

            PutOutcome again = e.writer().put(batch);

            assertThat(again.acknowledged()).isEqualTo(2);
            assertThat(again.rejected()).isEmpty();
            assertThat(e.objects()).hasSize(2);
            assertThat(counting.calls).doesNotContain("commitSegments");
            assertThat(e.index().retireAbandoned(Instant.MAX)).isEmpty();
            assertThat(e.index().deadSegments()).isEmpty();
        }
    }

    @Test
    void aRedeliveryFoundByTheProbeIsLookedUpWholeAndWritesNoObject() {
        try (MemoryEngine e = countingEngine()) {
            List<Message> batch = List.of(event("a", "s", "t", T, "A"), event("b", "s", "t", T, "B"),
                    event("c", "s", "t", T, "C"));
            e.writer().put(batch);
            counting.clear();

            PutOutcome again = e.writer().put(batch);

            assertThat(again.acknowledged()).isEqualTo(3);
            assertThat(counting.calls).containsExactly("registerPending", "findDigests");
            assertThat(counting.probed).containsExactly(List.of("a", "c"));
            assertThat(counting.lookedUp).containsExactly(List.of("a", "b", "c"));
            assertThat(e.objects()).hasSize(1);
        }
    }

    @Test
    void aKafkaPartitionReDeliveredBetweenFreshOnesIsFoundByTheProbeAndNotWrittenAgain() {
        try (MemoryEngine e = countingEngine()) {
            Message x = kafka("x", "orders", 1, 7).setTextData("X").build();
            Message y = kafka("y", "orders", 1, 8).setTextData("Y").build();
            e.writer().put(List.of(x, y));
            long stored = e.index().locate(List.of("x")).get(0).segmentId();
            counting.clear();

            PutOutcome out = e.writer().put(List.of(kafka("a", "orders", 0, 3).setTextData("A").build(),
                    kafka("b", "orders", 0, 4).setTextData("B").build(),
                    kafka("b2", "orders", 0, 5).setTextData("B2").build(), x, y,
                    kafka("c", "orders", 2, 9).setTextData("C").build()));

            assertThat(out.acknowledged()).isEqualTo(6);
            assertThat(counting.probed).containsExactly(List.of("a", "b2", "x", "y", "c"));
            assertThat(counting.calls).containsExactly("registerPending", "findDigests", "commitSegments");
            assertThat(counting.lookedUp).containsExactly(List.of("a", "b", "b2", "x", "y", "c"));
            assertThat(e.index().locate(List.of("x", "y"))).extracting(MessageLocation::segmentId)
                    .containsOnly(stored);
            assertThat(e.index().messageCount()).isEqualTo(6);
        }
    }

    @Test
    void interleavedKafkaPartitionsAreProbedByTheirEndsAndAReDeliveredOneIsFound() {
        try (MemoryEngine e = countingEngine()) {
            Message x = kafka("x", "orders", 1, 7).setTextData("X").build();
            Message y = kafka("y", "orders", 1, 8).setTextData("Y").build();
            e.writer().put(List.of(x, y));
            counting.clear();

            // partitions 0 and 1 alternate, as a client that does not group by partition sends them
            PutOutcome out = e.writer().put(List.of(kafka("a", "orders", 0, 3).setTextData("A").build(), x,
                    kafka("b", "orders", 0, 4).setTextData("B").build(), y,
                    kafka("c", "orders", 0, 5).setTextData("C").build()));

            assertThat(out.acknowledged()).isEqualTo(5);
            assertThat(counting.probed).containsExactly(List.of("a", "c", "x", "y"));
            assertThat(counting.lookedUp).containsExactly(List.of("a", "x", "b", "y", "c"));
            assertThat(e.index().messageCount()).isEqualTo(5);
        }
    }

    @Test
    void anIdStoredInTheMiddleOfABatchIsSettledByTheCommitNotByALookUpOfEveryId() {
        try (MemoryEngine e = countingEngine()) {
            e.writer().put(List.of(event("b", "s", "t", T, "B"), event("d", "s", "t", T, "D")));
            long first = e.index().locate(List.of("b")).get(0).segmentId();
            counting.clear();

            PutOutcome out = e.writer().put(List.of(event("a", "s", "t", T, "A"), event("b", "s", "t", T, "B"),
                    event("d", "s", "t", T, "other"), event("c", "s", "t", T, "C")));

            assertThat(out.acknowledged()).isEqualTo(3);
            assertThat(out.rejected()).extracting(PutOutcome.Rejected::index, PutOutcome.Rejected::reason)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(2, "id is already stored with other content"));
            assertThat(counting.calls).containsExactly("registerPending", "commitSegments", "findDigests");
            assertThat(counting.lookedUp).singleElement().satisfies(ids -> assertThat(ids)
                    .containsExactlyInAnyOrder("b", "d"));
            assertThat(e.index().locate(List.of("b")).get(0).segmentId()).isEqualTo(first);
            assertThat(e.index().messageCount()).isEqualTo(4);
            assertThat(e.archive().get(List.of("a", "b", "c", "d"))).extracting(Message::getTextData)
                    .containsExactly("A", "B", "C", "D");
        }
    }

    @Test
    void anUnusedPendingRowThatARePutFailedToRemoveIsRemovedByClean() {
        AtomicBoolean crashed = new AtomicBoolean();
        UnaryOperator<MessageIndex> crashing = real -> new ForwardingIndex(real) {
            @Override
            public void removeSegment(long segmentId) {
                if (crashed.compareAndSet(false, true)) {
                    throw new StorageUnavailableException("connection to the index lost (simulated)", null);
                }
                real.removeSegment(segmentId);
            }
        };
        try (MemoryEngine e = MemoryEngine.start(dir, MemoryEngine.KEEP_FOREVER, crashing, UnaryOperator.identity())) {
            e.writer().put(List.of(event("a", "s", "t", T, "A")));
            assertThatThrownBy(() -> e.writer().put(List.of(event("a", "s", "t", T, "A"))))
                    .isInstanceOf(StorageUnavailableException.class);

            e.clock().advance(MemoryEngine.KEEP_FOREVER.pendingGrace().plusSeconds(1));

            assertThat(e.cleaner().clean().orphanedSegments()).isEqualTo(1);
            assertThat(e.objects()).hasSize(1);
            assertThat(e.archive().get(List.of("a"))).extracting(Message::getTextData).containsExactly("A");
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
            assertThat(e.index().retireAbandoned(Instant.MAX)).isEmpty();
        }
    }

    @Test
    void aBatchOfConflictsOnlyWritesNothing() {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            e.writer().put(List.of(event("a", "s", "t", T, "A")));

            PutOutcome out = e.writer().put(List.of(event("a", "s", "t", T, "other")));

            assertThat(out.acknowledged()).isZero();
            assertThat(out.rejected()).extracting(PutOutcome.Rejected::reason)
                    .containsExactly("id is already stored with other content");
            assertThat(e.objects()).hasSize(1);
            assertThat(e.index().retireAbandoned(Instant.MAX)).isEmpty();
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
                real -> new RivalAfterLookUp(real, rivalPuts(event("x", "s", "t", T, "X"))),
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
                real -> new RivalAfterLookUp(real, rivalPuts(event("x", "s", "t", T, "RIVAL"))),
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
            public Collection<String> commitSegments(List<Long> segmentIds, List<IndexEntry> entries) {
                real.retireAbandoned(Instant.MAX); // the cleaner's grace ran out while the object was written
                return real.commitSegments(segmentIds, entries);
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
        return index -> new BatchWriter(index, new FileBlobStore(dir), new ParallelIo(1), MemoryEngine.LIMITS,
                Clock.systemUTC(), new ArchiveMetrics(new SimpleMeterRegistry())).put(List.of(msg));
    }

    /** Records which write-path calls reach the index. */
    private static final class CountingIndex extends ForwardingIndex {
        final List<String> calls = new CopyOnWriteArrayList<>();
        /** The ids looked up with the pending rows, per call. */
        final List<List<String>> probed = new CopyOnWriteArrayList<>();
        /** The ids looked up alone, per call. */
        final List<List<String>> lookedUp = new CopyOnWriteArrayList<>();

        CountingIndex(MessageIndex real) {
            super(real);
        }

        void clear() {
            calls.clear();
            probed.clear();
            lookedUp.clear();
        }

        @Override
        public PendingWrite registerPending(List<NewSegment> segments,
                Collection<String> ids) {
            calls.add("registerPending");
            probed.add(List.copyOf(ids));
            return real.registerPending(segments, ids);
        }

        @Override
        public Map<String, byte[]> findDigests(Collection<String> ids) {
            calls.add("findDigests");
            lookedUp.add(List.copyOf(ids));
            return real.findDigests(ids);
        }

        @Override
        public Collection<String> commitSegments(List<Long> segmentIds, List<IndexEntry> entries) {
            calls.add("commitSegments");
            return real.commitSegments(segmentIds, entries);
        }
    }

    /** An index where a rival writer stores its batch right after our look-up of stored ids. */
    private static final class RivalAfterLookUp extends ForwardingIndex {
        private final Consumer<MessageIndex> rival;
        private boolean done;

        RivalAfterLookUp(MessageIndex real, Consumer<MessageIndex> rival) {
            super(real);
            this.rival = rival;
        }

        @Override
        public Map<String, byte[]> findDigests(Collection<String> ids) {
            Map<String, byte[]> found = real.findDigests(ids);
            if (!done) {
                done = true;
                rival.accept(real);
            }
            return found;
        }
    }
}
