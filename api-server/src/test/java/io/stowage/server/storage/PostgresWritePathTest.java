package io.stowage.server.storage;

import static io.stowage.server.testing.Msgs.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.api.v1.Message;
import io.stowage.server.metrics.ArchiveMetrics;
import io.stowage.server.storage.blob.BlobWriter;
import io.stowage.server.storage.blob.FileBlobStore;
import io.stowage.server.storage.error.StorageUnavailableException;
import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.storage.index.SegmentRef;
import io.stowage.server.storage.index.postgres.Database;
import io.stowage.server.storage.index.postgres.PostgresIndex;
import io.stowage.server.testing.MemoryEngine;
import io.stowage.server.testing.TestBackends;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The write path against PostgreSQL: pending segments reserved ahead, the commit (by binary
 * {@code COPY} from {@code PostgresIndex.COPY_FROM} messages up, else by a plain insert; either
 * way by the insert that settles conflicts when a stored id fails it) and the settle of collisions.
 */
class PostgresWritePathTest {
    private static final Instant T = Instant.parse("2024-01-01T10:15:00Z");
    /** A batch that goes by {@code COPY} on its own (from 200 messages up). */
    private static final int LARGE = 250;

    @TempDir
    Path dir;

    /** The writers a test made, whose sweeper threads stop after it. */
    private final List<BatchWriter> writers = new ArrayList<>();

    @AfterEach
    void stopWriters() {
        writers.forEach(BatchWriter::close);
    }

    @Test
    void aRePutIsSettledByTheCommitAndACopyWithNothingNewIsLeftDeadForClean(TestInfo info) throws IOException {
        try (MessageIndex index = open(info)) {
            BatchWriter writer = writer(index);
            List<Message> batch = List.of(event("a", "s", "t", T, "A"), event("b", "s", "u", T, "B"));
            writer.put(batch);
            long storedA = index.locate(List.of("a")).get(0).segmentId();

            PutOutcome again = writer.put(List.of(batch.get(0), batch.get(1), event("c", "s", "t", T, "C")));

            assertThat(again.acknowledged()).isEqualTo(3);
            assertThat(index.locate(List.of("a")).get(0).segmentId()).isEqualTo(storedA);
            assertThat(objects()).isEqualTo(4); // two of each batch: the second's copy of b holds nothing live
            assertThat(index.deadSegments()).singleElement().satisfies(d -> assertThat(d.objectKey()).contains("type=u"));
            writer.close();
            assertThat(index.retireAbandoned(Instant.now().plusSeconds(3600))).isEmpty();
            assertThat(index.messageCount()).isEqualTo(3);
        }
    }

    /**
     * 3: the plain insert fails on the stored id and the one that settles runs; 300: the same with
     * {@code COPY} first. Either way the segment, registered ahead with placeholders, gets its facts.
     */
    @ParameterizedTest
    @ValueSource(ints = {3, 300})
    void aSegmentReservedAheadIsCommittedWithTheFactsOfItsObject(int size, TestInfo info) throws IOException {
        try (MessageIndex index = open(info)) {
            BatchWriter writer = writer(index);
            writer.put(List.of(event("first", "s", "t", T, "F")));
            writer.put(List.of(event("second", "s", "t", T, "S"))); // registers two: one spare for the next
            List<Message> batch = new ArrayList<>();
            batch.add(event("first", "s", "t", T, "F")); // stored: left out and settled
            for (int i = 0; i < size; i++) {
                batch.add(event("m" + i, "s", "t", T.plusSeconds(2 + i % 50), "M" + i));
            }

            assertThat(writer.put(batch).acknowledged()).isEqualTo(size + 1);

            SegmentRef third = index.committedSegments(0, 10).get(2);
            assertThat(third.sizeBytes()).isEqualTo(Files.size(dir.resolve(third.objectKey())));
            assertThat(third.minTime()).isEqualTo(T); // the dead copy's time is in its range too
            assertThat(third.maxTime()).isEqualTo(T.plusSeconds(2 + Math.min(size, 50) - 1));
            assertThat(third.liveCount()).isEqualTo(size);
            assertThat(writer.reservedSpares()).isZero();
            writer.close();
            assertThat(index.retireAbandoned(Instant.now().plusSeconds(3600))).isEmpty();
        }
    }

    @Test
    void concurrentWritersOfOverlappingBatchesStoreEachIdOnce(TestInfo info) throws Exception {
        String schema = schema(info);
        try (MessageIndex index = open(schema); MessageIndex otherServer = open(schema)) {
            BatchWriter one = writer(index);
            BatchWriter two = writer(otherServer);
            for (int round = 0; round < 10; round++) {
                List<Message> left = List.of(event("x" + round, "s", "t", T, "X"), event("y" + round, "s", "t", T, "Y"));
                List<Message> right = List.of(event("y" + round, "s", "t", T, "Y"), event("z" + round, "s", "t", T, "Z"));
                assertBothAcknowledgedWhole(one, left, two, right);
            }
            assertThat(index.messageCount()).isEqualTo(30);
        }
    }

    /** 150: a plain insert, 300: a {@code COPY}; either fails on the stored id and the insert that settles runs. */
    @ParameterizedTest
    @ValueSource(ints = {150, 300})
    void aBatchWithStoredIdsInItsMiddleIndexesTheRestAndSettlesEachStoredId(int size, TestInfo info) {
        try (MessageIndex index = open(info)) {
            BatchWriter writer = writer(index);
            int same = size / 3;
            int other = 2 * size / 3;
            writer.put(List.of(event("m-" + same, "s", "t", T, "same"), event("m-" + other, "s", "t", T, "stored")));
            List<Message> batch = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                batch.add(event("m-" + i, "s", "t", T, i == other ? "other" : i == same ? "same" : "M" + i));
            }

            PutOutcome out = writer.put(batch);

            assertThat(out.acknowledged()).isEqualTo(size - 1);
            assertThat(out.rejected()).extracting(PutOutcome.Rejected::index, PutOutcome.Rejected::reason)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(other, "id is already stored with other content"));
            assertThat(index.messageCount()).isEqualTo(size);
            writer.close();
            assertThat(index.retireAbandoned(Instant.now().plusSeconds(3600))).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {100, 250})
    void concurrentWritersOfBatchesSharingIdsInOppositeOrdersStoreEachIdOnce(int own, TestInfo info)
            throws Exception {
        // two servers on one database: their commits are not grouped, and meet in PostgreSQL
        String schema = schema(info);
        try (MessageIndex index = open(schema); MessageIndex otherServer = open(schema)) {
            BatchWriter one = writer(index);
            BatchWriter two = writer(otherServer);
            for (int round = 0; round < 3; round++) {
                List<Message> left = new ArrayList<>();
                List<Message> right = new ArrayList<>();
                for (int i = 0; i < own; i++) {
                    left.add(event("l" + round + "-" + i, "s", "t", T, "L"));
                    right.add(event("r" + round + "-" + i, "s", "t", T, "R"));
                }
                for (int i = 0; i < 50; i++) {
                    left.add(event("shared" + round + "-" + i, "s", "t", T, "S" + i));
                    right.add(0, event("shared" + round + "-" + i, "s", "t", T, "S" + i));
                }
                assertBothAcknowledgedWhole(one, left, two, right);
            }
            assertThat(index.messageCount()).isEqualTo(3 * (2 * own + 50));
        }
    }

    /** Two writers put their batches at the same moment; each is acknowledged whole. */
    private static void assertBothAcknowledgedWhole(BatchWriter one, List<Message> left, BatchWriter two,
            List<Message> right) throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        CompletableFuture<PutOutcome> a = CompletableFuture.supplyAsync(() -> putAfter(start, one, left));
        CompletableFuture<PutOutcome> b = CompletableFuture.supplyAsync(() -> putAfter(start, two, right));
        assertThat(a.get().acknowledged()).isEqualTo(left.size());
        assertThat(b.get().acknowledged()).isEqualTo(right.size());
        assertThat(List.of(a.get(), b.get())).allSatisfy(out -> assertThat(out.rejected()).isEmpty());
    }

    private MessageIndex open(TestInfo info) {
        return open(schema(info));
    }

    private static String schema(TestInfo info) {
        return TestBackends.uniqueName(info.getTestMethod().orElseThrow().getName());
    }

    @Test
    void aLargeBatchsRowsAreCopiedWhileItsObjectIsWrittenAndCommittedOnceItIsDurable(TestInfo info)
            throws Exception {
        Database db = TestBackends.database(schema(info));
        try (MessageIndex index = new PostgresIndex(db)) {
            CountDownLatch writing = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            FileBlobStore files = new FileBlobStore(dir);
            BatchWriter writer = writer(index, (key, content) -> {
                writing.countDown();
                await(release);
                files.put(key, content);
            });
            List<Message> batch = batch("copied", LARGE);

            CompletableFuture<PutOutcome> put = CompletableFuture.supplyAsync(() -> writer.put(batch));
            try {
                await(writing);
                awaitCopyInOpenTransaction(db);

                assertThat(index.findDigests(ids(batch))).as("nothing is visible before the object is durable")
                        .isEmpty();
                assertThat(objects()).isZero();
            } finally {
                release.countDown();
            }

            assertThat(put.get(30, TimeUnit.SECONDS).acknowledged()).isEqualTo(batch.size());
            assertThat(index.findDigests(ids(batch))).hasSize(batch.size());
            assertThat(objects()).isEqualTo(1);
        }
    }

    @Test
    void aWriteThatFailsAfterTheRowsWereCopiedCommitsNothing(TestInfo info) throws Exception {
        Database db = TestBackends.database(schema(info));
        try (MessageIndex index = new PostgresIndex(db)) {
            FileBlobStore files = new FileBlobStore(dir);
            boolean[] fail = {true};
            BatchWriter writer = writer(index, (key, content) -> {
                if (fail[0]) {
                    awaitCopyInOpenTransaction(db);
                    throw new StorageUnavailableException("the blob store went away (simulated)", null);
                }
                files.put(key, content);
            });
            List<Message> batch = batch("failed", LARGE);

            assertThatThrownBy(() -> writer.put(batch)).isInstanceOf(StorageUnavailableException.class)
                    .hasMessageContaining("simulated");
            assertThat(index.findDigests(ids(batch))).isEmpty();
            assertThat(index.retireAbandoned(Instant.now().plusSeconds(3600))).as("its pending segment, for Clean")
                    .isNotEmpty();

            fail[0] = false;
            assertThat(writer.put(batch).acknowledged()).isEqualTo(batch.size());
            assertThat(index.findDigests(ids(batch))).hasSize(batch.size());
        }
    }

    @Test
    void objectsSlowerThanTheTransactionMayWaitAreCommittedAfterTheyAreDurable(TestInfo info) throws Exception {
        Database db = TestBackends.database(schema(info));
        try (MessageIndex index = new PostgresIndex(db)) {
            CountDownLatch release = new CountDownLatch(1);
            FileBlobStore files = new FileBlobStore(dir);
            BatchWriter writer = writer(index, (key, content) -> {
                await(release);
                files.put(key, content);
            });
            List<Message> batch = batch("slow", LARGE);
            CompletableFuture<PutOutcome> put = CompletableFuture.supplyAsync(() -> writer.put(batch));
            try {
                awaitCopyInOpenTransaction(db);
                Thread.sleep(2_500); // past the second a transaction waits for its objects, holding its locks

                assertThat(openCopies(db)).as("the transaction gave its locks up").isZero();
                assertThat(put).isNotDone();
            } finally {
                release.countDown();
            }
            assertThat(put.get(30, TimeUnit.SECONDS).acknowledged()).isEqualTo(batch.size());
            assertThat(index.findDigests(ids(batch))).hasSize(batch.size());
        }
    }

    @Test
    void aLargeBatchPutAgainIsSettledWhileItsObjectIsWritten(TestInfo info) throws Exception {
        Database db = TestBackends.database(schema(info));
        try (MessageIndex index = new PostgresIndex(db)) {
            BatchWriter writer = writer(index);
            List<Message> batch = batch("again", LARGE);
            assertThat(writer.put(batch).acknowledged()).isEqualTo(batch.size());

            PutOutcome again = writer.put(batch); // the COPY fails on the stored ids; the settling insert waits for the object

            assertThat(again.acknowledged()).isEqualTo(batch.size());
            assertThat(again.rejected()).isEmpty();
            assertThat(index.findDigests(ids(batch))).hasSize(batch.size());
            assertThat(objects()).as("the copy of the re-put, dead until Clean").isEqualTo(2);
        }
    }

    /** Waits until a session holds a {@code COPY} of messages in a transaction it has not committed. */
    private static void awaitCopyInOpenTransaction(Database db) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (openCopies(db) > 0) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no COPY of messages waited in an open transaction for its object");
    }

    /** Sessions holding a {@code COPY} of messages in a transaction they have not committed. */
    private static long openCopies(Database db) {
        return db.withConnection("look for an open COPY", c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM"
                    + " pg_stat_activity WHERE state = 'idle in transaction' AND query LIKE 'COPY messages%'"
                    + " AND datname = current_database()")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static List<Message> batch(String prefix, int n) {
        List<Message> batch = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            batch.add(event(prefix + "-" + i, "s", "t", T, "payload " + i));
        }
        return batch;
    }

    private static List<String> ids(List<Message> batch) {
        return batch.stream().map(Message::getId).toList();
    }

    private static MessageIndex open(String schema) {
        return new PostgresIndex(TestBackends.database(schema));
    }

    private BatchWriter writer(MessageIndex index) {
        return writer(index, new FileBlobStore(dir));
    }

    private BatchWriter writer(MessageIndex index, BlobWriter blobs) {
        BatchWriter writer = new BatchWriter(index, blobs, new ParallelIo(2), MemoryEngine.LIMITS,
                Clock.systemUTC(), new ArchiveMetrics(new SimpleMeterRegistry()), SegmentFormat.PLAIN,
                Duration.ofMinutes(15));
        writers.add(writer);
        return writer;
    }

    private long objects() throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(p -> p.toString().endsWith(".bson")).count();
        }
    }

    private static PutOutcome putAfter(CyclicBarrier start, BatchWriter writer, List<Message> batch) {
        try {
            start.await();
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
        return writer.put(batch);
    }
}
