package io.stowage.server.storage;

import static io.stowage.server.testing.Msgs.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.api.v1.Message;
import io.stowage.server.metrics.ArchiveMetrics;
import io.stowage.server.storage.blob.FileBlobStore;
import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.storage.index.SegmentRef;
import io.stowage.server.storage.index.postgres.PostgresIndex;
import io.stowage.server.testing.MemoryEngine;
import io.stowage.server.testing.TestBackends;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
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

    private static MessageIndex open(String schema) {
        return new PostgresIndex(TestBackends.database(schema));
    }

    private BatchWriter writer(MessageIndex index) {
        BatchWriter writer = new BatchWriter(index, new FileBlobStore(dir), new ParallelIo(2), MemoryEngine.LIMITS,
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
