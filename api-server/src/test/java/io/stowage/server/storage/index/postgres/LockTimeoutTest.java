package io.stowage.server.storage.index.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.server.storage.error.StorageUnavailableException;
import io.stowage.server.storage.index.IndexContractFixture;
import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.testing.TestBackends;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Commits go one group at a time, so a transaction of someone else left holding a segment's row
 * must not hold them up for good: past the lock timeout they fail as UNAVAILABLE with what to
 * look at, and go through once the lock is gone. Without a lock timeout these tests hang (and fail
 * by their own timeout).
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class LockTimeoutTest extends IndexContractFixture {
    private static final Duration LOCK_TIMEOUT = Duration.ofMillis(300);
    private static final int CALLS = 4;

    @Override
    protected MessageIndex open(String schema) {
        return new PostgresIndex(TestBackends.database(schema, Optional.of(LOCK_TIMEOUT)));
    }

    private Database database() {
        return ((PostgresIndex) index).database();
    }

    @Test
    void commitsHeldUpByAnotherTransactionsLockFailAsUnavailableAndGoThroughOnceItEnds() throws Exception {
        List<Long> segments = new ArrayList<>();
        List<List<String>> ids = new ArrayList<>();
        for (int call = 0; call < CALLS; call++) {
            List<String> own = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                own.add("c" + call + "-" + i);
            }
            ids.add(own);
            segments.add(pending("s", "t", own.size()));
        }
        ExecutorService threads = Executors.newFixedThreadPool(CALLS);
        try {
            List<Throwable> failures = database().withConnection("hold the segments' rows", c -> {
                c.setAutoCommit(false);
                try {
                    lockRows(c, segments);
                    return failuresOf(commitAll(threads, segments, ids));
                } finally {
                    c.rollback();
                    c.setAutoCommit(true);
                }
            });

            assertThat(failures).hasSize(CALLS).allSatisfy(f -> assertThat(f)
                    .isInstanceOf(StorageUnavailableException.class)
                    .hasMessageContaining("was not granted within 300 ms")
                    .hasMessageContaining("STOWAGE_DB_LOCK_TIMEOUT"));
            assertThat(index.messageCount()).isZero();

            List<CompletableFuture<Collection<String>>> again = commitAll(threads, segments, ids);
            for (int call = 0; call < CALLS; call++) {
                assertThat(again.get(call).join()).containsExactlyInAnyOrderElementsOf(ids.get(call));
            }
            assertThat(index.messageCount()).isEqualTo(CALLS * 30);
        } finally {
            threads.shutdownNow();
        }
    }

    /**
     * A lock held on one call's segment fails that call only: its group gives up waiting after
     * {@link PostgresMessages#GROUP_LOCK_WAIT}, and each of its calls is committed again alone, by
     * its own caller, with the full lock timeout. The group is made sure: the calls queue behind
     * a first one that waits for a lock too.
     */
    @Test
    void aLockHeldOnOneCallsSegmentFailsThatCallAloneAndTheRestOfItsGroupCommits() throws Exception {
        try (PostgresIndex longer = new PostgresIndex(TestBackends.database(TestBackends.uniqueName("one-row-lock"),
                Optional.of(Duration.ofSeconds(3))))) {
            List<Long> segments = new ArrayList<>();
            List<List<String>> ids = new ArrayList<>();
            for (int call = 0; call < 5; call++) { // 0 goes first and holds the turn; 1 is held up; 2-4 are free
                List<String> own = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    own.add("one-" + call + "-" + i);
                }
                ids.add(own);
                segments.add(longer.addPendingSegments(List.of(newSegment("s", "t", own.size(), 100))).get(0));
            }
            ExecutorService threads = Executors.newFixedThreadPool(5);
            try {
                List<CompletableFuture<Collection<String>>> calls = longer.database().withConnection("hold two rows",
                        c -> {
                            c.setAutoCommit(false);
                            try (Statement st = c.createStatement()) {
                                lockRows(c, segments.subList(0, 2));
                                List<CompletableFuture<Collection<String>>> all = new ArrayList<>();
                                all.add(commitAfter(longer, threads, new CyclicBarrier(1), segments.get(0), ids.get(0)));
                                awaitAWaiterForARowLock(st);
                                CyclicBarrier rest = new CyclicBarrier(4);
                                for (int call = 1; call < 5; call++) {
                                    all.add(commitAfter(longer, threads, rest, segments.get(call), ids.get(call)));
                                }
                                CompletableFuture.allOf(all.stream().map(f -> f.exceptionally(e -> null))
                                        .toArray(CompletableFuture[]::new)).join();
                                return all;
                            } catch (InterruptedException e) {
                                throw new IllegalStateException(e);
                            } finally {
                                c.rollback();
                                c.setAutoCommit(true);
                            }
                        });

                for (int call = 0; call < 2; call++) {
                    assertThat(calls.get(call)).failsWithin(Duration.ZERO).withThrowableOfType(Exception.class)
                            .havingRootCause().withMessageContaining("canceling statement due to lock timeout");
                }
                for (int call = 2; call < 5; call++) {
                    assertThat(calls.get(call).join()).as("call %d", call).containsExactlyInAnyOrderElementsOf(ids.get(call));
                }
                assertThat(longer.messageCount()).isEqualTo(3 * 20);
            } finally {
                threads.shutdownNow();
            }
        }
    }

    @Test
    void migrationsWaitForEachOtherLongerThanTheLockTimeout() throws Exception {
        String other = TestBackends.uniqueName("migrations-wait");
        ExecutorService thread = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<Database> opened = database().withConnection("hold the migrations' lock", c -> {
                c.setAutoCommit(false);
                try (Statement st = c.createStatement()) {
                    st.execute("SELECT pg_advisory_xact_lock(" + Migrations.LOCK_KEY + ")");
                    CompletableFuture<Database> connecting = CompletableFuture.supplyAsync(
                            () -> TestBackends.database(other, Optional.of(LOCK_TIMEOUT)), thread);
                    awaitAWaiterForTheAdvisoryLock(st);
                    Thread.sleep(LOCK_TIMEOUT.toMillis() * 5); // long past the lock timeout of the other's statements
                    assertThat(connecting).as("migrations wait while another server migrates").isNotDone();
                    return connecting;
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                } finally {
                    c.rollback();
                    c.setAutoCommit(true);
                }
            });
            try (Database db = opened.get(1, TimeUnit.MINUTES)) {
                db.ping(Duration.ofSeconds(5));
            }
        } finally {
            thread.shutdownNow();
        }
    }

    /** Until a session waits for the migrations' advisory lock in this database. */
    private static void awaitAWaiterForTheAdvisoryLock(Statement st) throws SQLException, InterruptedException {
        // an advisory lock on a bigint key: its high 32 bits in classid, its low 32 bits in objid
        awaitAWaiter(st, "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database"
                + " WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()"
                + " AND l.classid::bigint = " + (Migrations.LOCK_KEY >>> 32)
                + " AND l.objid::bigint = " + (Migrations.LOCK_KEY & 0xffff_ffffL));
    }

    /** Until a session waits for a row this transaction locked: the first commit is in its turn. */
    private static void awaitAWaiterForARowLock(Statement st) throws SQLException, InterruptedException {
        awaitAWaiter(st, "SELECT count(*) FROM pg_locks w JOIN pg_locks h ON h.transactionid = w.transactionid"
                + " AND h.granted AND h.pid = pg_backend_pid() WHERE w.locktype = 'transactionid' AND NOT w.granted");
    }

    /**
     * Until {@code count} finds a waiter, for up to a minute. (pg_locks is read live, where
     * pg_stat_activity keeps the snapshot it took first for the rest of the transaction.)
     */
    private static void awaitAWaiter(Statement st, String count) throws SQLException, InterruptedException {
        for (int i = 0; i < 3000; i++) {
            try (ResultSet rs = st.executeQuery(count)) {
                rs.next();
                if (rs.getInt(1) > 0) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no session waited for the lock: " + count);
    }

    private static void lockRows(Connection c, List<Long> segments) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM segments WHERE id = ANY(?) FOR UPDATE")) {
            Array array = c.createArrayOf("int8", segments.toArray());
            ps.setArray(1, array);
            ps.executeQuery().close();
        }
    }

    private List<CompletableFuture<Collection<String>>> commitAll(ExecutorService threads, List<Long> segments,
            List<List<String>> ids) {
        CyclicBarrier start = new CyclicBarrier(CALLS);
        List<CompletableFuture<Collection<String>>> calls = new ArrayList<>();
        for (int call = 0; call < CALLS; call++) {
            calls.add(commitAfter(index, threads, start, segments.get(call), ids.get(call)));
        }
        return calls;
    }

    private static List<Throwable> failuresOf(List<CompletableFuture<Collection<String>>> calls) {
        List<Throwable> failures = new ArrayList<>();
        for (CompletableFuture<Collection<String>> call : calls) {
            try {
                call.join();
            } catch (CompletionException e) {
                failures.add(e.getCause());
            }
        }
        return failures;
    }
}
