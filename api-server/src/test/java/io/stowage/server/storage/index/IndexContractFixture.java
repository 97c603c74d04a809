package io.stowage.server.storage.index;

import io.stowage.common.message.ContentDigest;
import io.stowage.server.testing.TestBackends;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;

/**
 * A fresh, empty index for each test of the index contract, and the rows the tests write. A new
 * adapter is tested by a subclass of {@link MessageIndexContractTest} that only implements
 * {@link #open}.
 */
public abstract class IndexContractFixture {
    protected static final Instant T0 = Instant.parse("2024-03-01T10:00:00.123456Z");

    protected MessageIndex index;

    /** A new, empty index, named after the test where names matter (a schema, say). */
    protected abstract MessageIndex open(String name);

    @BeforeEach
    void openIndex(TestInfo info) {
        index = open(TestBackends.uniqueName(info.getTestMethod().orElseThrow().getName()));
    }

    @AfterEach
    void closeIndex() {
        index.close();
    }

    /** A pending segment of {@code stream} and {@code type} from T0-100s to T0+100s, of 100 bytes. */
    protected long pending(String stream, String type, int count) {
        return pending(stream, type, count, 100);
    }

    protected long pending(String stream, String type, int count, long size) {
        return index.addPendingSegments(List.of(newSegment(stream, type, count, size))).get(0);
    }

    protected static NewSegment newSegment(String stream, String type, int count, long size) {
        return new NewSegment("k/" + UUID.randomUUID() + ".bson", stream, type, size, count, T0.minusSeconds(100),
                T0.plusSeconds(100));
    }

    /** Commits one segment of stream s, type t, filled with messages of 10 bytes each, at T0. */
    protected long committed(String... ids) {
        long seg = pending("s", "t", ids.length, 10L * ids.length);
        IndexEntry[] entries = new IndexEntry[ids.length];
        for (int i = 0; i < ids.length; i++) {
            entries[i] = entry(ids[i], seg, "s", "t", T0, i * 10, 10);
        }
        index.commitRegistered(List.of(seg), List.of(entries));
        return seg;
    }

    protected SegmentRef segment(long id) {
        return index.committedSegments(id - 1, 1).stream().filter(s -> s.id() == id).findFirst().orElseThrow();
    }

    protected static IndexEntry entry(String id, long seg, String stream, String type, Instant time, int offset,
            int length) {
        return new IndexEntry(id, seg, stream, type, time, offset, length, digest(id), null, null);
    }

    protected static IndexEntry kafkaEntry(String id, long seg, Instant time, int offset, int partition,
            long kafkaOffset) {
        return new IndexEntry(id, seg, "t", "x", time, offset, 1, digest(id), partition, kafkaOffset);
    }

    /**
     * Commits {@code ids} into {@code into} (as rows of {@code segment}, stream "s", type "t") on
     * one of {@code threads} once every party of {@code start} is there: writers that meet.
     */
    protected static CompletableFuture<Collection<String>> commitAfter(MessageIndex into, Executor threads,
            CyclicBarrier start, long segment, List<String> ids) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                start.await();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            List<IndexEntry> entries = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                entries.add(entry(ids.get(i), segment, "s", "t", T0, i * 10, 10));
            }
            return into.commitRegistered(List.of(segment), entries);
        }, threads);
    }

    protected static byte[] digest(String id) {
        return Arrays.copyOf(id.getBytes(StandardCharsets.UTF_8), ContentDigest.LENGTH);
    }
}
