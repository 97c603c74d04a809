package io.stowage.server.storage.index.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.stowage.common.message.ContentDigest;
import io.stowage.server.storage.index.DeleteOutcome;
import io.stowage.server.storage.index.IndexEntry;
import io.stowage.server.storage.index.NewSegment;
import io.stowage.server.storage.index.SegmentRef;
import io.stowage.server.testing.TestBackends;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Expiry by whole segments on one server while another deletes messages of the same segments one
 * by one, on real PostgreSQL: every message is counted once, by whichever removed it, and every
 * segment ends with nothing live and no row.
 */
class ConcurrentExpiryTest {
    private static final Instant CUT = Instant.parse("2024-03-01T00:00:00Z");
    private static final int SEGMENTS = 60;
    private static final int PER_SEGMENT = 50;

    @Test
    void expiryAndDeletesOnAnotherServerCountEveryMessageOnce() {
        String schema = TestBackends.uniqueName("concurrentExpiry");
        try (PostgresIndex cleaner = new PostgresIndex(TestBackends.database(schema));
                PostgresIndex other = new PostgresIndex(TestBackends.database(schema))) {
            List<String> ids = new ArrayList<>();
            for (int s = 0; s < SEGMENTS; s++) {
                Instant from = CUT.minusSeconds(10_000 - 100L * s);
                long seg = cleaner.addPendingSegments(List.of(new NewSegment("k/" + UUID.randomUUID() + ".bson", "s",
                        "t", 10L * PER_SEGMENT, PER_SEGMENT, from, from.plusSeconds(PER_SEGMENT - 1)))).get(0);
                List<IndexEntry> entries = new ArrayList<>();
                for (int i = 0; i < PER_SEGMENT; i++) {
                    String id = "m-" + s + "-" + i;
                    ids.add(id);
                    entries.add(new IndexEntry(id, seg, "s", "t", from.plusSeconds(i), i * 10, 10, digest(id), null,
                            null));
                }
                cleaner.commitRegistered(List.of(seg), entries);
            }

            // the other server deletes every third message, newest segments first, while the cleaner expires
            CompletableFuture<Long> deletes = CompletableFuture.supplyAsync(() -> {
                long deleted = 0;
                for (int k = ids.size() - 1; k >= 0; k -= 3) {
                    deleted += other.delete(List.of(ids.get(k))).deleted();
                }
                return deleted;
            });
            long expired = 0;
            DeleteOutcome out;
            do {
                out = cleaner.expireSegments("s", CUT, 200);
                expired += out.deleted();
            } while (!out.emptied().isEmpty());
            long deleted = deletes.join();
            expired += cleaner.expireSegments("s", CUT, 200).deleted(); // segments emptied last by the deletes

            assertThat(expired + deleted).isEqualTo((long) SEGMENTS * PER_SEGMENT);
            assertThat(cleaner.messageCount()).isZero();
            assertThat(cleaner.locate(ids)).isEmpty();
            // dead means committed with a live count of exactly 0: none went below, none kept a count
            assertThat(cleaner.deadSegments()).hasSize(SEGMENTS)
                    .extracting(SegmentRef::liveCount, SegmentRef::liveBytes)
                    .containsOnly(tuple(0, 0L));
        }
    }

    private static byte[] digest(String id) {
        return Arrays.copyOf(id.getBytes(StandardCharsets.UTF_8), ContentDigest.LENGTH);
    }
}
