package io.stowage.server.clean;

import static io.stowage.server.testing.Msgs.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.server.storage.Archive.StoredMessage;
import io.stowage.server.storage.error.Dependency;
import io.stowage.server.storage.error.StorageUnavailableException;
import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.storage.index.SegmentRef;
import io.stowage.server.testing.ForwardingIndex;
import io.stowage.server.testing.MemoryEngine;
import io.stowage.server.verify.Problem;
import io.stowage.server.verify.VerifyListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clean merges the small segments of closed hours (over the in-memory index and files). The
 * engine's clock starts at 12:00 with a grace of 10 minutes, so 10:00-11:00 is closed and
 * 11:00-12:00 is not.
 */
class SegmentMergeTest {
    private static final Duration GRACE = MemoryEngine.KEEP_FOREVER.pendingGrace();
    private static final Instant CLOSED_HOUR = Instant.parse("2024-06-01T10:00:00Z");
    private static final Instant OPEN_HOUR = Instant.parse("2024-06-01T11:00:00Z");
    private static final long TARGET = 64L * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void theSparseTrafficOfAClosedHourEndsInOneSegmentWithEveryByteKept() {
        try (MemoryEngine e = start(TARGET, UnaryOperator.identity())) {
            List<String> ids = putOneByOne(e, CLOSED_HOUR, 30, "x");
            Map<String, String> before = documents(e, ids);
            assertThat(e.objects()).hasSize(30);

            CleanReport report = e.cleaner().clean();

            assertThat(report.mergedSegments()).isEqualTo(1);
            assertThat(report.replacedSegments()).isEqualTo(30);
            assertThat(e.objects()).hasSize(1);
            assertThat(documents(e, ids)).isEqualTo(before);
            assertThat(problems(e)).isEmpty();
            assertThat(e.cleaner().clean().mergedSegments()).as("nothing left to merge").isZero();
            assertThat(e.registry().get("stowage.clean.replaced.segments").counter().count()).isEqualTo(30);
        }
    }

    @Test
    void mergedSegmentsStayWithinTheTargetSize() {
        try (MemoryEngine e = start(5_000, UnaryOperator.identity())) {
            List<String> ids = putOneByOne(e, CLOSED_HOUR, 20, "y".repeat(900));
            long docBytes = e.index().committedSegments(0, 1).get(0).sizeBytes();
            long perSegment = 5_000 / docBytes;
            Map<String, String> before = documents(e, ids);

            CleanReport report = e.cleaner().clean();

            long expected = (20 + perSegment - 1) / perSegment;
            assertThat(perSegment).isGreaterThan(1);
            assertThat(report.mergedSegments()).isEqualTo(expected);
            assertThat(e.objects()).hasSize((int) expected);
            assertThat(e.objects()).allSatisfy(key -> assertThat(e.blobs().read(key).length).isLessThanOrEqualTo(5_000));
            assertThat(documents(e, ids)).isEqualTo(before);
            assertThat(problems(e)).isEmpty();
        }
    }

    @Test
    void anHourStillOpenIsLeftAloneUntilItCloses() {
        try (MemoryEngine e = start(TARGET, UnaryOperator.identity())) {
            putOneByOne(e, OPEN_HOUR, 5, "z");

            assertThat(e.cleaner().clean().mergedSegments()).isZero();
            assertThat(e.objects()).hasSize(5);

            e.clock().advance(Duration.ofHours(1));
            assertThat(e.cleaner().clean().replacedSegments()).isEqualTo(5);
            assertThat(e.objects()).hasSize(1);
        }
    }

    @Test
    void mergingIsOffWithATargetOfZero() {
        try (MemoryEngine e = start(0, UnaryOperator.identity())) {
            putOneByOne(e, CLOSED_HOUR, 3, "z");
            assertThat(e.cleaner().clean().mergedSegments()).isZero();
            assertThat(e.objects()).hasSize(3);
        }
    }

    @Test
    void aMessageDeletedWhileItsSegmentIsMergedIsLeftOut() {
        UnaryOperator<MessageIndex> deleteFirst = real -> new ForwardingIndex(real) {
            @Override
            public int relocate(List<SegmentRef> from, long to, Map<String, int[]> newOffsets) {
                real.delete(List.of("m0")); // a DeleteBatch between the read and the move
                return real.relocate(from, to, newOffsets);
            }
        };
        try (MemoryEngine e = start(TARGET, deleteFirst)) {
            List<String> ids = putOneByOne(e, CLOSED_HOUR, 4, "SECRET");

            e.cleaner().clean();

            assertThat(documents(e, ids)).containsOnlyKeys("m1", "m2", "m3");
            assertThat(problems(e)).isEmpty();
            e.cleaner().clean(); // the merged segment holds a dead document now: rewritten without it
            assertThat(e.objects()).hasSize(1);
            assertThat(new String(e.blobs().read(e.objects().get(0)), StandardCharsets.ISO_8859_1))
                    .doesNotContain("SECRET-0").contains("SECRET-1");
        }
    }

    @Test
    void aMergeWhoseMoveFailedLeavesTheOldSegmentsInUseAndItsObjectIsRemovedAfterTheGrace() {
        boolean[] failing = {true};
        UnaryOperator<MessageIndex> failingMove = real -> new ForwardingIndex(real) {
            @Override
            public int relocate(List<SegmentRef> from, long to, Map<String, int[]> newOffsets) {
                if (failing[0]) {
                    throw new StorageUnavailableException(Dependency.INDEX, "connection to the index lost (simulated)",
                            null);
                }
                return real.relocate(from, to, newOffsets);
            }
        };
        try (MemoryEngine e = start(TARGET, failingMove)) {
            List<String> ids = putOneByOne(e, CLOSED_HOUR, 6, "x");
            e.writer().close(); // the segments it reserved and did not use are forgotten: the one orphan is the merge's
            Map<String, String> before = documents(e, ids);

            assertThatThrownBy(() -> e.cleaner().clean()).isInstanceOf(StorageUnavailableException.class);

            assertThat(e.objects()).as("the old objects and the unused new one").hasSize(7);
            assertThat(documents(e, ids)).isEqualTo(before);
            assertThat(problems(e)).isEmpty();

            failing[0] = false;
            e.clock().advance(GRACE.plusSeconds(1));
            CleanReport report = e.cleaner().clean();

            assertThat(report.orphanedSegments()).isEqualTo(1);
            assertThat(report.replacedSegments()).isEqualTo(6);
            assertThat(e.objects()).hasSize(1);
            assertThat(documents(e, ids)).isEqualTo(before);
            assertThat(problems(e)).isEmpty();
        }
    }

    /**
     * A move held up without an outage (a lock not granted within the lock timeout) skips that
     * group only: the clean goes on and reports, and the next one after the grace merges.
     */
    @Test
    void aMergeHeldUpByALockIsLeftForTheNextCleanWhileTheCleanGoesOn() {
        boolean[] held = {true};
        UnaryOperator<MessageIndex> heldMove = real -> new ForwardingIndex(real) {
            @Override
            public int relocate(List<SegmentRef> from, long to, Map<String, int[]> newOffsets) {
                if (held[0]) {
                    throw new StorageUnavailableException("a lock was not granted within 10 s (simulated)", null);
                }
                return real.relocate(from, to, newOffsets);
            }
        };
        try (MemoryEngine e = start(TARGET, heldMove)) {
            List<String> ids = putOneByOne(e, CLOSED_HOUR, 6, "x");
            e.writer().close(); // the segments it reserved and did not use are forgotten: the one orphan is the merge's
            Map<String, String> before = documents(e, ids);

            CleanReport first = e.cleaner().clean();

            assertThat(first.ran()).isTrue();
            assertThat(first.replacedSegments()).isZero();
            assertThat(e.objects()).as("the old objects and the unused new one").hasSize(7);
            assertThat(documents(e, ids)).isEqualTo(before);

            held[0] = false;
            e.clock().advance(GRACE.plusSeconds(1));
            CleanReport second = e.cleaner().clean();

            assertThat(second.orphanedSegments()).isEqualTo(1);
            assertThat(second.replacedSegments()).isEqualTo(6);
            assertThat(e.objects()).hasSize(1);
            assertThat(documents(e, ids)).isEqualTo(before);
            assertThat(problems(e)).isEmpty();
        }
    }

    @Test
    void aMergeInterruptedAfterTheMoveLeavesOldObjectsThatTheNextCleanDeletes() {
        boolean[] crash = {true};
        UnaryOperator<MessageIndex> crashAfterMove = real -> new ForwardingIndex(real) {
            @Override
            public int relocate(List<SegmentRef> from, long to, Map<String, int[]> newOffsets) {
                int moved = real.relocate(from, to, newOffsets);
                if (crash[0]) {
                    crash[0] = false;
                    throw new StorageUnavailableException(Dependency.INDEX, "server stopped after the move (simulated)",
                            null);
                }
                return moved;
            }
        };
        try (MemoryEngine e = start(TARGET, crashAfterMove)) {
            List<String> ids = putOneByOne(e, CLOSED_HOUR, 6, "x");
            Map<String, String> before = documents(e, ids);

            assertThatThrownBy(() -> e.cleaner().clean()).isInstanceOf(StorageUnavailableException.class);

            assertThat(e.objects()).hasSize(7);
            assertThat(documents(e, ids)).isEqualTo(before);
            assertThat(problems(e)).isEmpty();

            CleanReport report = e.cleaner().clean();

            assertThat(report.deletedSegments()).isEqualTo(6);
            assertThat(report.mergedSegments()).isZero();
            assertThat(e.objects()).hasSize(1);
            assertThat(documents(e, ids)).isEqualTo(before);
            assertThat(problems(e)).isEmpty();
        }
    }

    private MemoryEngine start(long target, UnaryOperator<MessageIndex> interpose) {
        return MemoryEngine.start(dir, new CleanSettings(RetentionPolicy.KEEP_FOREVER, GRACE, 0.0, target), interpose,
                UnaryOperator.identity());
    }

    /** One PutBatch per message, a minute apart from {@code hour}: m0, m1, ... */
    private static List<String> putOneByOne(MemoryEngine e, Instant hour, int n, String text) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            e.archive().put(List.of(event("m" + i, "sparse", "t", hour.plusSeconds(60L * i), text + "-" + i)));
            ids.add("m" + i);
        }
        return ids;
    }

    /** The stored documents by id, as text of their bytes. */
    private static Map<String, String> documents(MemoryEngine e, List<String> ids) {
        Map<String, String> docs = new TreeMap<>();
        for (StoredMessage m : e.archive().getStored(ids, Long.MAX_VALUE).found()) {
            docs.put(m.message().getId(), new String(m.document(), StandardCharsets.ISO_8859_1));
        }
        return docs;
    }

    private static List<Problem> problems(MemoryEngine e) {
        List<Problem> found = new ArrayList<>();
        e.verifier().verify(false, new VerifyListener() {
            @Override
            public void progress(String phase, long done, long total) {}

            @Override
            public void problem(Problem problem) {
                found.add(problem);
            }
        });
        return found;
    }
}
