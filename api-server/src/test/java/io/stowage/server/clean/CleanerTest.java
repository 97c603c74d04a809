package io.stowage.server.clean;

import static io.stowage.server.testing.Msgs.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.api.v1.Message;
import io.stowage.server.storage.blob.BlobWriter;
import io.stowage.server.storage.error.StorageUnavailableException;
import io.stowage.server.storage.index.IndexEntry;
import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.storage.index.SegmentRef;
import io.stowage.server.storage.index.WrittenSegment;
import io.stowage.server.testing.ForwardingIndex;
import io.stowage.server.testing.MemoryEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One clean over the in-memory index and files: retention, dead and sparse segments, interrupted writes. */
class CleanerTest {
    private static final Instant NOW = MemoryEngine.START;
    private static final Duration GRACE = MemoryEngine.KEEP_FOREVER.pendingGrace();

    @TempDir
    Path dir;

    @Test
    void retentionRemovesExactlyTheMessagesPastTheirStreamsPeriod() {
        RetentionPolicy policy = new RetentionPolicy(Optional.of(Duration.ofHours(24)),
                Map.of("audit", Optional.empty(), "fast", Optional.of(Duration.ofMinutes(1))));
        try (MemoryEngine e = MemoryEngine.start(dir, new CleanSettings(policy, GRACE, 0.0))) {
            e.archive().put(List.of(event("audit-old", "audit", "t", NOW.minus(Duration.ofDays(400)), "x"),
                    event("fast-old", "fast", "t", NOW.minusSeconds(120), "x"),
                    event("plain-new", "plain", "t", NOW.minus(Duration.ofHours(23)), "x"),
                    event("plain-old", "plain", "t", NOW.minus(Duration.ofHours(25)), "x")));

            CleanReport report = e.cleaner().clean();

            assertThat(report.ran()).isTrue();
            assertThat(report.expiredMessages()).isEqualTo(2);
            assertThat(report.deletedSegments()).isEqualTo(2);
            assertThat(ids(e, "audit-old", "fast-old", "plain-new", "plain-old")).containsExactly("audit-old", "plain-new");
            assertThat(e.objects()).hasSize(2);
            assertThat(e.cleaner().clean().expiredMessages()).isZero();
        }
    }

    @Test
    void retentionExpiresManyWholeSegmentsAndTheOlderPartOfOneReachingPastTheCut() {
        Duration period = Duration.ofHours(24).plusMinutes(30); // the cut falls inside an hour, one layout partition
        Instant cut = NOW.minus(period);
        RetentionPolicy policy = new RetentionPolicy(Optional.of(period), Map.of());
        try (MemoryEngine e = MemoryEngine.start(dir, new CleanSettings(policy, GRACE, 1.0))) {
            List<String> old = new ArrayList<>();
            for (int b = 0; b < 40; b++) { // one segment per batch, in 40 hours before the cut
                List<Message> batch = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    String id = "old-" + b + "-" + i;
                    old.add(id);
                    batch.add(event(id, "s", "t", cut.minus(Duration.ofHours(b + 1)).plusSeconds(i), "x"));
                }
                e.archive().put(batch);
            }
            e.archive().put(List.of(event("before-cut", "s", "t", cut.minusSeconds(60), "x"),
                    event("after-cut", "s", "t", cut.plusSeconds(60), "x")));
            assertThat(e.objects()).hasSize(41);

            CleanReport report = e.cleaner().clean();

            assertThat(report.expiredMessages()).isEqualTo(121);
            assertThat(report.deletedSegments()).isEqualTo(40);
            assertThat(e.archive().get(old)).isEmpty();
            assertThat(ids(e, "before-cut", "after-cut")).containsExactly("after-cut");
            assertThat(e.objects()).hasSize(1);
            assertThat(e.index().deadSegments()).isEmpty();
            assertThat(e.cleaner().clean().expiredMessages()).isZero();
        }
    }

    @Test
    void deletedBytesArePhysicallyGoneAfterARewrite() {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            List<Message> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                batch.add(event("m" + i, "s", "t", NOW.plusSeconds(i), (i % 3 == 0 ? "SECRET-" : "PUBLIC-") + i));
            }
            e.archive().put(batch);
            e.archive().delete(List.of("m0", "m3", "m6", "m9"));

            CleanReport report = e.cleaner().clean();

            assertThat(report.rewrittenSegments()).isEqualTo(1);
            assertThat(e.objects()).hasSize(1);
            assertThat(report.bytesFreed()).isPositive();
            assertThat(allStoredBytes(e)).doesNotContain("SECRET").contains("PUBLIC-1", "PUBLIC-8");
            assertThat(e.archive().get(List.of("m1", "m2", "m4", "m5", "m7", "m8"))).hasSize(6);
            var stats = e.archive().status(Optional.empty()).get(0);
            assertThat(stats.segmentBytes()).isEqualTo(stats.bytes());
        }
    }

    @Test
    void aSegmentLessDeadThanTheRatioIsLeftAsItIs() {
        try (MemoryEngine e = MemoryEngine.start(dir, new CleanSettings(RetentionPolicy.KEEP_FOREVER, GRACE, 0.5))) {
            e.archive().put(List.of(event("a", "s", "t", NOW, "A"), event("b", "s", "t", NOW, "B"),
                    event("c", "s", "t", NOW, "C")));
            e.archive().delete(List.of("a"));

            assertThat(e.cleaner().clean().rewrittenSegments()).isZero();
            assertThat(allStoredBytes(e)).contains("A");
        }
    }

    @Test
    void aSegmentWithNothingLiveIsDeleted() {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            e.archive().put(List.of(event("a", "s", "t", NOW, "A")));
            e.index().delete(List.of("a")); // as if the server stopped before it removed the emptied segment

            CleanReport report = e.cleaner().clean();

            assertThat(report.deletedSegments()).isEqualTo(1);
            assertThat(e.objects()).isEmpty();
            assertThat(e.index().deadSegments()).isEmpty();
        }
    }

    @Test
    void aSegmentThatCannotBeRewrittenDoesNotStopTheRest() {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            e.archive().put(List.of(event("a1", "a", "t", NOW, "A"), event("a2", "a", "t", NOW, "A")));
            e.archive().put(List.of(event("b1", "b", "t", NOW, "B"), event("b2", "b", "t", NOW, "B")));
            e.archive().delete(List.of("a1", "b1"));
            List<SegmentRef> sparse = e.index().sparseSegments(0, 0, 10);
            e.blobs().delete(sparse.get(0).objectKey()); // damage: the first one's object is lost

            CleanReport report = e.cleaner().clean();

            assertThat(report.rewrittenSegments()).isEqualTo(1);
            assertThat(ids(e, "b2")).containsExactly("b2");
        }
    }

    @Test
    void aPendingSegmentWhoseObjectWasNeverWrittenIsRemovedAfterTheGrace() {
        UnaryOperator<BlobWriter> failing = real -> (key, content) -> {
            throw new StorageUnavailableException("the blob store went away (simulated)", null);
        };
        try (MemoryEngine e = MemoryEngine.start(dir, MemoryEngine.KEEP_FOREVER, UnaryOperator.identity(), failing)) {
            assertThatThrownBy(() -> e.archive().put(List.of(event("lost", "s", "t", NOW, "x"))))
                    .isInstanceOf(StorageUnavailableException.class);
            assertThat(e.objects()).isEmpty();
            assertThat(e.cleaner().clean().orphanedSegments()).isZero();

            e.clock().advance(GRACE.plusSeconds(1));
            CleanReport report = e.cleaner().clean();

            assertThat(report.orphanedSegments()).isEqualTo(1);
            assertThat(report.bytesFreed()).as("there was no object").isZero();
            assertThat(e.index().streams()).containsExactly("s");
            assertThat(e.index().deadSegments()).isEmpty();
            assertThat(e.index().retireAbandoned(Instant.MAX)).isEmpty();
        }
    }

    @Test
    void anInterruptedWriteRetiredByACleanThatFailedIsCountedByTheNext() {
        try (MemoryEngine e = MemoryEngine.start(dir, MemoryEngine.KEEP_FOREVER, CleanerTest::failingCommit,
                UnaryOperator.identity())) {
            assertThatThrownBy(() -> e.archive().put(List.of(event("lost", "s", "t", NOW, "x"))))
                    .isInstanceOf(StorageUnavailableException.class);
            long written = e.objectSizes().values().iterator().next();
            e.clock().advance(GRACE.plusSeconds(1));
            // a clean retired it, then failed before deleting its object
            assertThat(e.index().retireAbandoned(e.clock().instant().minus(GRACE))).hasSize(1);

            CleanReport report = e.cleaner().clean();

            assertThat(report.deletedSegments()).isEqualTo(1);
            assertThat(report.bytesFreed()).isEqualTo(written).isPositive();
            assertThat(e.objects()).isEmpty();
            assertThat(e.index().deadSegments()).isEmpty();
        }
    }

    @Test
    void anObjectWhoseCommitFailedIsInvisibleAndRemovedAfterTheGrace() {
        try (MemoryEngine e = MemoryEngine.start(dir, MemoryEngine.KEEP_FOREVER, CleanerTest::failingCommit,
                UnaryOperator.identity())) {
            assertThatThrownBy(() -> e.archive().put(List.of(event("lost", "s", "t", NOW, "x"))))
                    .isInstanceOf(StorageUnavailableException.class);
            assertThat(e.objects()).hasSize(1);
            long written = e.objectSizes().values().iterator().next();
            assertThat(e.archive().get(List.of("lost"))).isEmpty();
            assertThat(e.archive().status(Optional.empty())).isEmpty();

            e.clock().advance(GRACE.minusSeconds(1));
            assertThat(e.cleaner().clean().orphanedSegments()).as("a write still in progress").isZero();
            assertThat(e.objects()).hasSize(1);

            e.clock().advance(Duration.ofSeconds(2));
            CleanReport report = e.cleaner().clean();

            assertThat(report.orphanedSegments()).isEqualTo(1);
            // the pending row, registered before its write, never learnt the object's size: the clean asks the store
            assertThat(report.bytesFreed()).isEqualTo(written).isPositive();
            assertThat(e.objects()).isEmpty();
        }
    }

    @Test
    void aCleanIsSkippedWhileAnotherHoldsTheLock() throws Exception {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            CountDownLatch held = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CompletableFuture<Boolean> other = CompletableFuture.supplyAsync(() -> e.index().withCleanLock(() -> {
                held.countDown();
                await(release);
            }));
            await(held);

            CleanReport report = e.cleaner().clean();
            release.countDown();

            assertThat(report.ran()).isFalse();
            assertThat(other.get()).isTrue();
            assertThat(e.registry().get("stowage.clean.runs").tag("outcome", "skipped").counter().count()).isEqualTo(1);
            assertThat(e.cleaner().clean().ran()).isTrue();
            assertThat(e.registry().get("stowage.clean.runs").tag("outcome", "done").counter().count()).isEqualTo(1);
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private static List<String> ids(MemoryEngine e, String... ids) {
        return e.archive().get(List.of(ids)).stream().map(Message::getId).toList();
    }

    private static String allStoredBytes(MemoryEngine e) {
        StringBuilder all = new StringBuilder();
        for (String key : e.objects()) {
            all.append(new String(e.blobs().read(key), StandardCharsets.ISO_8859_1));
        }
        return all.toString();
    }

    /** An index whose commits fail as if its connection were lost: the object is written, never indexed. */
    private static MessageIndex failingCommit(MessageIndex real) {
        return new ForwardingIndex(real) {
            @Override
            public Collection<String> commitSegments(List<WrittenSegment> written, List<IndexEntry> entries) {
                throw new StorageUnavailableException("connection to the index lost (simulated)", null);
            }
        };
    }
}
