package io.stowage.server.storage.index.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.server.storage.index.IndexEntry;
import io.stowage.server.storage.index.MessageLocation;
import io.stowage.server.storage.index.SegmentRef;
import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.storage.index.MessageIndexContractTest;
import io.stowage.server.storage.index.WrittenSegment;
import io.stowage.server.testing.TestBackends;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ForkJoinPool;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The whole index contract with every commit going by binary {@code COPY} first (as commits of
 * {@link PostgresIndex#COPY_FROM} messages and more do), on the embedded PostgreSQL; plus what is
 * particular to that way: the fall-back when an id is stored, and the order rows go in.
 */
class CopyCommitTest extends MessageIndexContractTest {
    @Override
    protected MessageIndex open(String schema) {
        return new PostgresIndex(TestBackends.database(schema), 1);
    }

    @Test
    void writersOfTheSameIdsInOppositeOrdersNeitherDeadlockNorIndexAnIdTwice() throws Exception {
        // another server's index on the same database: its commits meet this one's in PostgreSQL
        // instead of joining them in a group (it shares the pool, which the fixture closes)
        MessageIndex otherServer = new PostgresIndex(((PostgresIndex) index).database(), 1);
        for (int round = 0; round < 10; round++) {
            String x = UUID.randomUUID().toString();
            String y = "text-" + round;
            String z = UUID.randomUUID().toString();
            long one = pending("s", "t", 3);
            long two = pending("s", "t", 3);
            CyclicBarrier start = new CyclicBarrier(2);
            CompletableFuture<Collection<String>> a = commitAfter(index, ForkJoinPool.commonPool(), start, one,
                    List.of(x, y, z, "a-" + round));
            CompletableFuture<Collection<String>> b = commitAfter(otherServer, ForkJoinPool.commonPool(), start, two,
                    List.of(z, y, x, "b-" + round));

            List<String> indexed = new ArrayList<>(a.get());
            indexed.addAll(b.get());
            assertThat(indexed).containsOnlyOnce(x, y, z).contains("a-" + round, "b-" + round);
        }
        assertThat(index.messageCount()).isEqualTo(50);
    }

    @Test
    void rowsGoInTheOrderOfTheInsertsOrderBy() {
        List<String> ids = List.of("ffffffff-0000-4000-8000-000000000000", "00000000-0000-4000-8000-000000000001",
                "7fffffff-ffff-4fff-bfff-ffffffffffff", "80000000-0000-4000-8000-000000000000", "Zebra", "apple",
                "\u00e9clair", "\ud83d\ude00 smile", "A-UPPER-CASE-UUID-LOOKALIKE", "", "0");
        List<CopyCommit.Row> rows = new ArrayList<>();
        for (String id : ids) {
            rows.add(new CopyCommit.Row(new IndexEntry(id, 1, "s", "t", T0, 0, 1, digest(id), null, null), 1));
        }
        rows.sort(CopyCommit.LOCK_ORDER);

        List<String> inPostgres = ((PostgresIndex) index).database().withConnection("sort ids", c -> {
            List<String> sorted = new ArrayList<>();
            try (Statement st = c.createStatement()) {
                // a collation other than "C" for the text ids, so that the order must come from the statement
                st.execute("CREATE TEMP TABLE ids (u uuid, tx text COLLATE \"und-x-icu\")");
                for (String id : ids) {
                    boolean uuid = io.stowage.server.storage.index.MessageIds.asUuid(id).isPresent();
                    st.execute("INSERT INTO ids VALUES (" + (uuid ? "'" + id + "'" : "NULL") + ", "
                            + (uuid ? "NULL" : "'" + id + "'") + ")");
                }
                try (ResultSet rs = st.executeQuery("SELECT coalesce(x.u::text, x.tx) FROM ids x ORDER BY "
                        + PostgresMessages.LOCK_ORDER)) {
                    while (rs.next()) {
                        sorted.add(rs.getString(1));
                    }
                }
                st.execute("DROP TABLE ids");
            }
            return sorted;
        });
        assertThat(rows).extracting(r -> r.entry.id()).containsExactlyElementsOf(inPostgres);
    }

    @Test
    void aCopyCommitsTheSegmentsStillPendingWithTheirLiveCountsAndLeavesOutRetiredOnes() {
        long retired = pending("s", "t", 1);
        index.retireAbandoned(Instant.now().plusSeconds(60));
        long fresh = pending("s", "t", 2);

        Optional<List<IndexEntry>> copied = copyCommit().commit(registered(retired, fresh), List.of(
                entry("r", retired, "s", "t", T0, 0, 10), entry("f1", fresh, "s", "t", T0, 0, 10),
                entry("f2", fresh, "s", "t", T0, 10, 7)));

        assertThat(copied).hasValueSatisfying(entries -> assertThat(entries).extracting(IndexEntry::id)
                .containsExactlyInAnyOrder("f1", "f2"));
        assertThat(segment(fresh)).extracting(SegmentRef::liveCount, SegmentRef::liveBytes).containsExactly(2, 17L);
        assertThat(index.locate(List.of("r"))).isEmpty();
        assertThat(index.isCommitted(retired)).isFalse();
    }

    @Test
    void aCopyThatMeetsAStoredIdCommitsNothingAndSaysSo() {
        long first = committed("a");
        long second = pending("s", "t", 2);

        Optional<List<IndexEntry>> copied = copyCommit().commit(registered(second),
                List.of(entry("b", second, "s", "t", T0, 0, 10), entry("a", second, "s", "t", T0, 10, 10)));

        assertThat(copied).isEmpty();
        assertThat(index.isCommitted(second)).isFalse();
        assertThat(index.locate(List.of("a", "b"))).extracting(MessageLocation::id, MessageLocation::segmentId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", first));
        // and the index's commit then indexes the rest
        assertThat(index.commitRegistered(List.of(second), List.of(entry("b", second, "s", "t", T0, 0, 10),
                entry("a", second, "s", "t", T0, 10, 10)))).containsExactly("b");
    }

    private CopyCommit copyCommit() {
        return new CopyCommit(((PostgresIndex) index).database(), new NameIds("streams"));
    }

    private static List<WrittenSegment> registered(Long... segmentIds) {
        return Stream.of(segmentIds).map(WrittenSegment::asRegistered).toList();
    }
}
