package io.stowage.server.storage;

import static io.stowage.server.testing.Msgs.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.api.v1.Message;
import io.stowage.server.metrics.ArchiveMetrics;
import io.stowage.server.storage.blob.FileBlobStore;
import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.storage.index.postgres.PostgresIndex;
import io.stowage.server.testing.MemoryEngine;
import io.stowage.server.testing.TestBackends;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** The write path's two round trips against PostgreSQL: the look-up inside the pending insert, the settle of collisions. */
class PostgresWritePathTest {
    private static final Instant T = Instant.parse("2024-01-01T10:15:00Z");

    @TempDir
    Path dir;

    @Test
    void aRePutIsAnsweredFromTheLookUpAndWritesNoObject(TestInfo info) throws IOException {
        try (MessageIndex index = open(info)) {
            BatchWriter writer = writer(index);
            List<Message> batch = List.of(event("a", "s", "t", T, "A"), event("b", "s", "u", T, "B"));
            writer.put(batch);

            PutOutcome again = writer.put(List.of(batch.get(0), batch.get(1), event("c", "s", "t", T, "C")));

            assertThat(again.acknowledged()).isEqualTo(3);
            assertThat(objects()).isEqualTo(3); // two of the first batch, one for c; none for the stored b
            assertThat(index.retireAbandoned(Instant.now().plusSeconds(3600))).isEmpty();
            assertThat(index.messageCount()).isEqualTo(3);
        }
    }

    @Test
    void concurrentWritersOfOverlappingBatchesStoreEachIdOnce(TestInfo info) throws Exception {
        try (MessageIndex index = open(info)) {
            BatchWriter one = writer(index);
            BatchWriter two = writer(index);
            for (int round = 0; round < 10; round++) {
                List<Message> left = List.of(event("x" + round, "s", "t", T, "X"), event("y" + round, "s", "t", T, "Y"));
                List<Message> right = List.of(event("y" + round, "s", "t", T, "Y"), event("z" + round, "s", "t", T, "Z"));
                CyclicBarrier start = new CyclicBarrier(2);
                CompletableFuture<PutOutcome> a = CompletableFuture.supplyAsync(() -> putAfter(start, one, left));
                CompletableFuture<PutOutcome> b = CompletableFuture.supplyAsync(() -> putAfter(start, two, right));

                assertThat(List.of(a.get(), b.get())).allSatisfy(out -> {
                    assertThat(out.acknowledged()).isEqualTo(2);
                    assertThat(out.rejected()).isEmpty();
                });
            }
            assertThat(index.messageCount()).isEqualTo(30);
        }
    }

    private MessageIndex open(TestInfo info) {
        return new PostgresIndex(TestBackends.database(TestBackends.uniqueName(info.getTestMethod().orElseThrow().getName())));
    }

    private BatchWriter writer(MessageIndex index) {
        return new BatchWriter(index, new FileBlobStore(dir), new ParallelIo(2), MemoryEngine.LIMITS, Clock.systemUTC(),
                new ArchiveMetrics(new SimpleMeterRegistry()));
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
