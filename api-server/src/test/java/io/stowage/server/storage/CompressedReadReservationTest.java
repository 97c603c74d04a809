package io.stowage.server.storage;

import static io.stowage.server.testing.Msgs.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.api.v1.Message;
import io.stowage.server.metrics.ArchiveMetrics;
import io.stowage.server.metrics.OutageLog;
import io.stowage.server.storage.blob.FileBlobStore;
import io.stowage.server.storage.error.Dependency;
import io.stowage.server.storage.index.memory.InMemoryIndex;
import io.stowage.server.testing.MemoryEngine;
import io.stowage.server.testing.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A GetBatch of compressed documents holds their stored frames and their decompressed documents
 * at once: both count under the server's cap on bytes in flight until the response is sent.
 */
class CompressedReadReservationTest {
    private static final Instant HOUR = Instant.parse("2024-06-01T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void decompressedDocumentsAreReservedBesideTheStoredFrames() {
        TestClock clock = new TestClock(MemoryEngine.START);
        InMemoryIndex index = new InMemoryIndex(clock);
        FileBlobStore blobs = new FileBlobStore(dir);
        ParallelIo io = new ParallelIo(2);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ArchiveMetrics metrics = new ArchiveMetrics(registry);
        SegmentFormat zstd = SegmentFormat.zstd(SegmentFormat.DEFAULT_LEVEL);
        BatchWriter writer = new BatchWriter(index, blobs, io, MemoryEngine.LIMITS, clock, metrics, zstd,
                MemoryEngine.KEEP_FOREVER.pendingGrace());
        MessageReader reader = new MessageReader(blobs, index, io, zstd);
        OutageLog outages = new OutageLog(registry, Map.of(Dependency.BLOB_STORE, blobs::checkAccess),
                Duration.ofSeconds(2));
        Archive archive = new Archive(writer, reader, index, blobs, MemoryEngine.LIMITS, metrics, outages);

        List<Message> sent = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sent.add(event("z-" + i, "s", "t", HOUR, "a".repeat(50_000) + i)); // a frame of a few hundred bytes
        }
        archive.put(sent);
        long stored = index.locate(sent.stream().map(Message::getId).toList()).stream()
                .mapToLong(l -> l.length()).sum();

        try (Archive.StoredBatch batch = archive.getStored(sent.stream().map(Message::getId).toList(), 8 << 20)) {
            long documents = batch.found().stream().mapToLong(m -> m.document().length).sum();
            assertThat(batch.found()).extracting(Archive.StoredMessage::message).containsExactlyElementsOf(sent);
            assertThat(documents).isGreaterThan(10 * stored);
            assertThat(archive.readBytesInFlight()).isGreaterThanOrEqualTo(stored + documents);
        }
        assertThat(archive.readBytesInFlight()).isZero();
        io.close();
    }
}
