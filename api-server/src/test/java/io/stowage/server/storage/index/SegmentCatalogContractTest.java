package io.stowage.server.storage.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The segment side of the index contract: what the cleaner and the verifier rely on. */
public abstract class SegmentCatalogContractTest extends ExpiryContractTest {

    @Test
    void aSegmentRetiredAsAbandonedIndexesNothing() {
        long seg = pending("s", "t", 1);
        assertThat(index.retireAbandoned(Instant.now().plusSeconds(60))).extracting(SegmentRef::id).containsExactly(seg);

        Collection<String> indexed = index.commitRegistered(List.of(seg), List.of(entry("a", seg, "s", "t", T0, 0, 10)));

        assertThat(indexed).isEmpty();
        assertThat(index.locate(List.of("a"))).isEmpty();
        assertThat(index.deadSegments()).extracting(SegmentRef::id).containsExactly(seg);
    }

    @Test
    void onlySegmentsPendingSinceBeforeTheCutoffAreRetired() {
        long seg = pending("s", "t", 1);
        long done = committed("a");

        assertThat(index.retireAbandoned(Instant.now().minusSeconds(60))).isEmpty();
        assertThat(index.retireAbandoned(Instant.now().plusSeconds(60))).extracting(SegmentRef::id)
                .containsExactly(seg);
        assertThat(index.retireAbandoned(Instant.now().plusSeconds(60))).isEmpty();
        assertThat(index.isCommitted(done)).isTrue();
    }

    @Test
    void deadSegmentsAreTheRetiredAndTheCommittedWithNothingLive() {
        long live = committed("a", "b");
        long emptied = committed("c");
        index.delete(List.of("c", "b"));
        long abandoned = pending("s", "t", 1);
        index.retireAbandoned(Instant.now().plusSeconds(60));
        long stillPending = pending("s", "t", 1);

        assertThat(index.deadSegments()).extracting(SegmentRef::id).containsExactly(emptied, abandoned)
                .doesNotContain(live, stillPending);
    }

    @Test
    void expireDeletesOnlyOlderMessagesOfThatStream() {
        long seg = pending("s", "t", 3);
        index.commitRegistered(List.of(seg), List.of(entry("old", seg, "s", "t", T0.minusSeconds(100), 0, 1),
                entry("new", seg, "s", "t", T0, 1, 1), entry("elsewhere", seg, "s2", "t", T0.minusSeconds(100), 2, 1)));

        DeleteOutcome out = index.expire("s", T0.minusSeconds(1), 10);

        assertThat(out.deleted()).isEqualTo(1);
        assertThat(index.locate(List.of("old", "new", "elsewhere"))).extracting(MessageLocation::id)
                .containsExactlyInAnyOrder("new", "elsewhere");
        assertThat(index.expire("unknown", T0, 10)).isEqualTo(DeleteOutcome.NONE);
    }

    @Test
    void expireTakesTheOldestFirstUpToTheLimitAndReportsEmptiedSegments() {
        long seg = pending("s", "t", 3);
        index.commitRegistered(List.of(seg), List.of(entry("m2", seg, "s", "t", T0.minusSeconds(20), 0, 4),
                entry("m1", seg, "s", "t", T0.minusSeconds(30), 4, 4), entry("m3", seg, "s", "t", T0.minusSeconds(10), 8, 4)));

        DeleteOutcome first = index.expire("s", T0, 2);
        assertThat(first.deleted()).isEqualTo(2);
        assertThat(first.deletedBytes()).isEqualTo(8);
        assertThat(first.emptied()).isEmpty();
        assertThat(index.locate(List.of("m1", "m2", "m3"))).extracting(MessageLocation::id).containsExactly("m3");

        DeleteOutcome last = index.expire("s", T0, 2);
        assertThat(last.deleted()).isEqualTo(1);
        assertThat(last.emptied()).extracting(SegmentRef::id).containsExactly(seg);
    }

    @Test
    void relocateMovesLiveMessagesAndRetiresTheOldSegment() {
        long seg = committed("a", "b", "c");
        index.delete(List.of("b"));
        SegmentRef sparse = index.sparseSegments(0.0, 0, 10).get(0);
        assertThat(sparse.liveCount()).isEqualTo(2);
        assertThat(index.liveMessages(sparse)).extracting(IndexedMessage::id).containsExactly("a", "c");

        long fresh = pending("s", "t", 2, 20);
        int moved = index.relocate(sparse, fresh, Map.of("a", new int[] {0, 10}, "c", new int[] {10, 10}));

        assertThat(moved).isEqualTo(2);
        assertThat(index.locate(List.of("c")).get(0)).extracting(MessageLocation::segmentId, MessageLocation::offset)
                .containsExactly(fresh, 10);
        assertThat(index.deadSegments()).extracting(SegmentRef::id).containsExactly(seg);
        assertThat(index.sparseSegments(0.0, 0, 10)).isEmpty();
        assertThat(segment(fresh)).extracting(SegmentRef::liveCount, SegmentRef::liveBytes).containsExactly(2, 20L);
    }

    @Test
    void relocateLeavesOutMessagesDeletedMeanwhile() {
        long seg = committed("a", "b", "c");
        index.delete(List.of("b"));
        SegmentRef sparse = index.sparseSegments(0.0, 0, 10).get(0);
        long fresh = pending("s", "t", 2, 20);
        index.delete(List.of("a"));

        int moved = index.relocate(sparse, fresh, Map.of("a", new int[] {0, 10}, "c", new int[] {10, 10}));

        assertThat(moved).isEqualTo(1);
        assertThat(index.locate(List.of("a", "c"))).extracting(MessageLocation::id, MessageLocation::segmentId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("c", fresh));
        assertThat(index.isCommitted(seg)).isFalse();
    }

    @Test
    void mergeableSegmentsAreTheSmallOnesOfClosedPartitionsThatHoldMoreThanOne() {
        Instant closed = T0.plusSeconds(3600);
        SegmentRef a1 = committedIn("p/hr=10/", T0, "a1");
        SegmentRef a2 = committedIn("p/hr=10/", T0.plusSeconds(60), "a2", "a3");
        committedIn("p/hr=11/", T0, "lonely");
        SegmentRef big = committedIn("p/hr=12/", T0, "b1", "b2", "b3", "b4", "b5");
        committedIn("p/hr=12/", T0, "b6");
        committedIn("p/hr=13/", closed, "open1");
        committedIn("p/hr=13/", closed.plusSeconds(1), "open2");
        SegmentRef emptied = committedIn("p/hr=14/", T0, "gone");
        committedIn("p/hr=14/", T0, "kept");
        index.delete(List.of("gone"));
        index.addPendingSegments(List.of(new NewSegment("p/hr=10/pending.bson", "s", "t", 10, 1, T0, T0)));

        List<SegmentRef> mergeable = index.mergeableSegments(closed, 50, "", 10);

        assertThat(mergeable).extracting(SegmentRef::id).containsExactlyInAnyOrder(a1.id(), a2.id());
        assertThat(mergeable).extracting(SegmentRef::objectKey).isSorted();
        assertThat(mergeable).filteredOn(m -> m.id() == a2.id()).extracting(SegmentRef::liveCount,
                SegmentRef::liveBytes).containsExactly(org.assertj.core.groups.Tuple.tuple(2, 20L));
        assertThat(index.mergeableSegments(closed, 51, "", 10)).extracting(SegmentRef::id)
                .contains(big.id()).doesNotContain(emptied.id());
        assertThat(index.mergeableSegments(closed, 50, mergeable.get(0).objectKey(), 10)).containsExactly(mergeable.get(1));
        assertThat(index.mergeableSegments(closed, 50, "", 1)).containsExactly(mergeable.get(0));
    }

    @Test
    void relocateFromSeveralSegmentsMovesWhatIsLeftAndRetiresThemAll() {
        SegmentRef one = committedIn("p/hr=10/", T0, "a", "b");
        SegmentRef two = committedIn("p/hr=10/", T0, "c");
        long merged = index.addPendingSegments(List.of(new NewSegment("p/hr=10/merged.bson", "s", "t", 30, 3,
                T0, T0))).get(0);
        index.delete(List.of("b"));

        int moved = index.relocate(List.of(one, two), merged,
                Map.of("a", new int[] {0, 10}, "b", new int[] {10, 10}, "c", new int[] {20, 10}));

        assertThat(moved).isEqualTo(2);
        assertThat(index.locate(List.of("a", "b", "c"))).extracting(MessageLocation::id, MessageLocation::segmentId,
                MessageLocation::offset).containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("a", merged, 0),
                org.assertj.core.groups.Tuple.tuple("c", merged, 20));
        assertThat(index.deadSegments()).extracting(SegmentRef::id).containsExactlyInAnyOrder(one.id(), two.id());
        assertThat(segment(merged)).extracting(SegmentRef::liveCount, SegmentRef::liveBytes).containsExactly(2, 20L);
        assertThat(index.messageCount()).isEqualTo(2);
    }

    @Test
    void relocateTakesTheNewLengthsOfDocumentsWhoseStoredFormChanged() {
        SegmentRef plain = committedIn("p/hr=11/", T0, "a", "b");
        long framed = index.addPendingSegments(List.of(new NewSegment("p/hr=11/framed.bson.zst", "s", "t", 13, 2,
                T0, T0))).get(0);

        index.relocate(List.of(plain), framed, Map.of("a", new int[] {0, 6}, "b", new int[] {6, 7}));

        assertThat(index.locate(List.of("a", "b"))).extracting(MessageLocation::id, MessageLocation::offset,
                MessageLocation::length).containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("a", 0, 6),
                org.assertj.core.groups.Tuple.tuple("b", 6, 7));
        assertThat(segment(framed)).extracting(SegmentRef::liveCount, SegmentRef::liveBytes).containsExactly(2, 13L);
    }

    /** A committed segment under {@code folder} of stream s, type t, 10 bytes per message at {@code time}. */
    private SegmentRef committedIn(String folder, Instant time, String... ids) {
        long seg = index.addPendingSegments(List.of(new NewSegment(folder + UUID.randomUUID() + ".bson", "s", "t",
                10L * ids.length, ids.length, time, time))).get(0);
        IndexEntry[] entries = new IndexEntry[ids.length];
        for (int i = 0; i < ids.length; i++) {
            entries[i] = entry(ids[i], seg, "s", "t", time, i * 10, 10);
        }
        index.commitRegistered(List.of(seg), List.of(entries));
        return segment(seg);
    }

    @Test
    void sparseSegmentsHaveAtLeastTheDeadShareAndArePagedById() {
        long half = committed("a1", "a2");
        long quarter = committed("b1", "b2", "b3", "b4");
        long full = committed("c1");
        long third = committed("d1", "d2", "d3");
        index.delete(List.of("a1", "b1", "d1"));

        assertThat(index.sparseSegments(0.3, 0, 10)).extracting(SegmentRef::id).containsExactly(half, third);
        assertThat(index.sparseSegments(0.0, 0, 10)).extracting(SegmentRef::id).containsExactly(half, quarter, third)
                .doesNotContain(full);
        assertThat(index.sparseSegments(0.0, half, 1)).extracting(SegmentRef::id).containsExactly(quarter);
    }

    @Test
    void committedSegmentsArePagedByIdAndCountTheirLiveMessages() {
        pending("s", "t", 1);
        long one = committed("a", "b");
        long two = committed("c");
        long three = committed("d");
        index.delete(List.of("b"));

        assertThat(index.committedSegments(0, 2)).extracting(SegmentRef::id).containsExactly(one, two);
        assertThat(index.committedSegments(two, 2)).extracting(SegmentRef::id).containsExactly(three);
        assertThat(index.messageCount()).isEqualTo(3);
        assertThat(segment(one)).extracting(SegmentRef::stream, SegmentRef::type, SegmentRef::sizeBytes,
                SegmentRef::liveCount, SegmentRef::liveBytes, SegmentRef::minTime, SegmentRef::maxTime)
                .containsExactly("s", "t", 20L, 1, 10L, T0.minusSeconds(100), T0.plusSeconds(100));
    }

    @Test
    void liveMessagesAreInByteOrderAndRecountKeepsTrueCounts() {
        long seg = pending("s", "t", 3);
        index.commitRegistered(List.of(seg), List.of(entry("z", seg, "s", "t", T0, 0, 10),
                entry("x", seg, "s", "t", T0.minusSeconds(5), 10, 10), entry("y", seg, "s", "t", T0, 20, 10)));
        SegmentRef ref = segment(seg);

        assertThat(index.liveMessages(ref)).extracting(IndexedMessage::id).containsExactly("z", "x", "y");
        assertThat(index.liveMessages(ref).get(1).digest()).isEqualTo(digest("x"));
        assertThat(index.liveMessages(ref).get(1).location())
                .isEqualTo(new MessageLocation("x", seg, ref.objectKey(), 10, 10));
        index.recount(ref);
        assertThat(segment(seg)).extracting(SegmentRef::liveCount, SegmentRef::liveBytes).containsExactly(3, 30L);
    }

    @Test
    void removeSegmentForgetsDeadSegmentsAndKeepsLiveOnes() {
        long live = committed("a");
        long dead = committed("b");
        index.delete(List.of("b"));
        SegmentRef deadRef = index.deadSegments().get(0);

        index.removeSegment(live);
        index.removeSegment(dead);
        index.removeSegment(12345);

        assertThat(index.isCommitted(live)).isTrue();
        assertThat(index.deadSegments()).isEmpty();
        assertThat(index.knownObjectKeys(List.of(deadRef.objectKey()))).isEmpty();
        assertThat(index.locate(List.of("a"))).hasSize(1);
    }

    @Test
    void streamsListsEveryStreamSeenInNameOrder() {
        pending("b", "t", 1);
        committed("x");
        pending("a", "t", 1);
        assertThat(index.streams()).containsExactly("a", "b", "s");
    }

    @Test
    void theCleanLockIsHeldByOneCallerAtATime() {
        AtomicBoolean ranInside = new AtomicBoolean();
        boolean ran = index.withCleanLock(() -> {
            ranInside.set(true);
            boolean other = CompletableFuture.supplyAsync(() -> index.withCleanLock(() -> { })).join();
            assertThat(other).as("another caller while the lock is held").isFalse();
        });
        assertThat(ran).isTrue();
        assertThat(ranInside).isTrue();
        assertThat(index.withCleanLock(() -> { })).isTrue();
    }
}
