package io.stowage.server.clean;

import static io.stowage.server.testing.Msgs.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.api.v1.CleanRequest;
import io.stowage.api.v1.CleanResponse;
import io.stowage.api.v1.DeleteBatchRequest;
import io.stowage.api.v1.GetBatchRequest;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.PutBatchRequest;
import io.stowage.api.v1.StatusRequest;
import io.stowage.server.storage.error.StorageUnavailableException;
import io.stowage.server.storage.blob.BlobLister;
import io.stowage.server.storage.index.IndexEntry;
import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.storage.index.WrittenSegment;
import io.stowage.server.testing.ArchiveServer;
import io.stowage.server.testing.ArchiveServer.Backend;
import io.stowage.server.testing.ForwardingIndex;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** Clean over real storage, through the Cleaner service. */
class CleanerServiceTest {
    @TempDir
    Path tempDir;

    @Test
    void cleanRemovesExactlyTheExpiredMessagesAndTheirBytes(TestInfo info) {
        Instant now = Instant.now();
        try (ArchiveServer server = start(info, Map.of("STOWAGE_RETENTION", "24h"))) {
            List<Message> expired = List.of(event("old-1", "s", "t", now.minus(3, ChronoUnit.DAYS), "EXPIRED-ONE"),
                    event("old-2", "s", "u", now.minus(25, ChronoUnit.HOURS), "EXPIRED-TWO"),
                    event("old-3", "other", "t", now.minus(30, ChronoUnit.DAYS), "EXPIRED-THREE"));
            List<Message> kept = List.of(event("new-1", "s", "t", now.minus(23, ChronoUnit.HOURS), "KEPT-ONE"),
                    event("new-2", "other", "t", now, "KEPT-TWO"));
            put(server, expired);
            put(server, kept);

            CleanResponse report = server.cleaner().clean(CleanRequest.getDefaultInstance());

            assertThat(report.getExpiredMessages()).isEqualTo(3);
            assertThat(report.getDeletedSegments()).isEqualTo(3);
            assertThat(report.getBytesFreed()).isPositive();
            assertThat(get(server, "old-1", "old-2", "old-3", "new-1", "new-2")).extracting(Message::getId)
                    .containsExactly("new-1", "new-2");
            String stored = allStoredBytes(server);
            assertThat(stored).doesNotContain("EXPIRED").contains("KEPT-ONE").contains("KEPT-TWO");

            CleanResponse again = server.cleaner().clean(CleanRequest.getDefaultInstance());
            assertThat(again.getExpiredMessages()).isZero();
            assertThat(again.getDeletedSegments()).isZero();
        }
    }

    @Test
    void perStreamRetentionOverridesTheDefault(TestInfo info) {
        Instant now = Instant.now();
        try (ArchiveServer server = start(info, Map.of("STOWAGE_RETENTION", "1h",
                "STOWAGE_RETENTION_STREAMS", "audit=forever,fast=1m"))) {
            put(server, List.of(event("a", "audit", "t", now.minus(400, ChronoUnit.DAYS), "x"),
                    event("b", "fast", "t", now.minusSeconds(120), "x"),
                    event("c", "plain", "t", now.minusSeconds(600), "x"),
                    event("d", "plain", "t", now.minusSeconds(7200), "x")));

            assertThat(server.cleaner().clean(CleanRequest.getDefaultInstance()).getExpiredMessages()).isEqualTo(2);
            assertThat(get(server, "a", "b", "c", "d")).extracting(Message::getId).containsExactly("a", "c");
        }
    }

    @Test
    void deletedBytesArePhysicallyGoneAfterTheNextClean(TestInfo info) {
        Instant t = Instant.parse("2024-01-01T10:00:00Z");
        try (ArchiveServer server = start(info, Map.of())) {
            List<Message> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                batch.add(event("m" + i, "s", "t", t.plusSeconds(i), (i % 3 == 0 ? "SECRET-" : "PUBLIC-") + i));
            }
            put(server, batch);
            server.messages().deleteBatch(DeleteBatchRequest.newBuilder().addIds("m0").addIds("m3").addIds("m6")
                    .addIds("m9").build());
            assertThat(allStoredBytes(server)).contains("SECRET-3");

            CleanResponse report = server.cleaner().clean(CleanRequest.getDefaultInstance());

            assertThat(report.getRewrittenSegments()).isEqualTo(1);
            assertThat(allStoredBytes(server)).doesNotContain("SECRET").contains("PUBLIC-1").contains("PUBLIC-8");
            assertThat(get(server, "m1", "m2", "m4", "m5", "m7", "m8")).hasSize(6)
                    .allSatisfy(m -> assertThat(m.getTextData()).startsWith("PUBLIC-"));
            var status = server.admin().status(StatusRequest.getDefaultInstance()).getStreams(0);
            assertThat(status.getMessages()).isEqualTo(6);
            assertThat(status.getSegmentBytes()).isEqualTo(status.getBytes());
        }
    }

    @Test
    void aFailureBetweenObjectWriteAndIndexCommitLeavesNothingVisibleAndCleanRemovesTheOrphan(TestInfo info) {
        Instant t = Instant.parse("2024-01-01T10:00:00Z");
        try (ArchiveServer server = start(info, Map.of("STOWAGE_PENDING_GRACE", "0s"), FailingCommit::new)) {
            assertThatThrownBy(() -> put(server, List.of(event("lost", "s", "t", t, "never acknowledged"))))
                    .hasMessageContaining("UNAVAILABLE");

            assertThat(objects(server)).hasSize(1);
            assertThat(get(server, "lost")).isEmpty();
            assertThat(server.admin().status(StatusRequest.getDefaultInstance()).getStreamsList()).isEmpty();

            CleanResponse report = server.cleaner().clean(CleanRequest.getDefaultInstance());

            assertThat(report.getOrphanedSegments()).isEqualTo(1);
            assertThat(objects(server)).isEmpty();
        }
    }

    @Test
    void aWriteStillInProgressIsNotTakenForAnOrphan(TestInfo info) {
        Instant t = Instant.parse("2024-01-01T10:00:00Z");
        try (ArchiveServer server = start(info, Map.of(), FailingCommit::new)) {
            assertThatThrownBy(() -> put(server, List.of(event("slow", "s", "t", t, "x"))));

            CleanResponse report = server.cleaner().clean(CleanRequest.getDefaultInstance());

            assertThat(report.getOrphanedSegments()).isZero();
            assertThat(objects(server)).hasSize(1);
        }
    }

    private ArchiveServer start(TestInfo info, Map<String, String> env) {
        return ArchiveServer.start(info.getTestMethod().orElseThrow().getName(), Backend.FILES, tempDir, env);
    }

    private ArchiveServer start(TestInfo info, Map<String, String> env,
            java.util.function.UnaryOperator<MessageIndex> interpose) {
        return ArchiveServer.start(info.getTestMethod().orElseThrow().getName(), Backend.FILES, tempDir, env,
                interpose);
    }

    private static void put(ArchiveServer server, List<Message> msgs) {
        server.messages().putBatch(PutBatchRequest.newBuilder().addAllMsgs(msgs).build());
    }

    private static List<Message> get(ArchiveServer server, String... ids) {
        return server.messages().getBatch(GetBatchRequest.newBuilder().addAllIds(List.of(ids)).build()).getMsgsList();
    }

    private static List<String> objects(ArchiveServer server) {
        List<String> keys = new ArrayList<>();
        server.blobs().list("", (BlobLister.BlobInfo b) -> keys.add(b.key()));
        return keys;
    }

    /** Every stored byte, as text, to check what is and is not physically there. */
    private static String allStoredBytes(ArchiveServer server) {
        StringBuilder all = new StringBuilder();
        for (String key : objects(server)) {
            all.append(new String(server.blobs().read(key), StandardCharsets.ISO_8859_1));
        }
        return all.toString();
    }

    /**
     * The real index, except that committing a batch fails as if the database went away right
     * after the segment object was written.
     */
    private static final class FailingCommit extends ForwardingIndex {
        FailingCommit(MessageIndex real) {
            super(real);
        }

        @Override
        public Collection<String> commitSegments(List<WrittenSegment> written, List<IndexEntry> entries) {
            throw new StorageUnavailableException("connection to the index lost (simulated)", null);
        }
    }
}
