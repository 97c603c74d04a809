package io.stowage.server.testing;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.server.clean.CleanMetrics;
import io.stowage.server.clean.CleanSettings;
import io.stowage.server.clean.Cleaner;
import io.stowage.server.clean.RetentionPolicy;
import io.stowage.server.metrics.ArchiveMetrics;
import io.stowage.server.metrics.OutageLog;
import io.stowage.server.storage.Archive;
import io.stowage.server.storage.BatchWriter;
import io.stowage.server.storage.Limits;
import io.stowage.server.storage.MessageReader;
import io.stowage.server.storage.ParallelIo;
import io.stowage.server.storage.SegmentFormat;
import io.stowage.server.storage.blob.BlobLister;
import io.stowage.server.storage.blob.BlobStore;
import io.stowage.server.storage.blob.BlobWriter;
import io.stowage.server.storage.blob.FileBlobStore;
import io.stowage.server.storage.error.Dependency;
import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.storage.index.memory.InMemoryIndex;
import io.stowage.server.verify.Verifier;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The storage engine over the in-memory index and files in a temporary folder, wired as
 * {@code Storage} wires it, with a clock that tests move: for unit tests that run in
 * milliseconds. The writer and cleaner can be given an index or a blob writer that fails at a
 * chosen step.
 */
public record MemoryEngine(TestClock clock, InMemoryIndex index, BlobStore blobs, ParallelIo io, BatchWriter writer,
        MessageReader reader, Archive archive, Cleaner cleaner, Verifier verifier, SimpleMeterRegistry registry,
        OutageLog outages)
        implements AutoCloseable {

    public static final Instant START = Instant.parse("2024-06-01T12:00:00Z");
    public static final Limits LIMITS = new Limits(10_000, 8 * 1024 * 1024, 64 * 1024 * 1024);
    public static final CleanSettings KEEP_FOREVER = new CleanSettings(RetentionPolicy.KEEP_FOREVER,
            Duration.ofMinutes(10), 0.0);

    public static MemoryEngine start(Path dir) {
        return start(dir, KEEP_FOREVER, UnaryOperator.identity(), UnaryOperator.identity());
    }

    public static MemoryEngine start(Path dir, CleanSettings settings) {
        return start(dir, settings, UnaryOperator.identity(), UnaryOperator.identity());
    }

    /** With {@code interpose} around the index and {@code writes} around the blob writer that the engine uses. */
    public static MemoryEngine start(Path dir, CleanSettings settings, UnaryOperator<MessageIndex> interpose,
            UnaryOperator<BlobWriter> writes) {
        TestClock clock = new TestClock(START);
        InMemoryIndex index = new InMemoryIndex(clock);
        BlobStore blobs = new FileBlobStore(dir);
        ParallelIo io = new ParallelIo(4);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ArchiveMetrics metrics = new ArchiveMetrics(registry);
        MessageIndex engineIndex = interpose.apply(index);
        BlobWriter writer = writes.apply(blobs);
        MessageReader reader = new MessageReader(blobs, engineIndex, io);
        BatchWriter batches = new BatchWriter(engineIndex, writer, io, LIMITS, clock, metrics, SegmentFormat.PLAIN,
                settings.pendingGrace());
        OutageLog outages = new OutageLog(registry, Map.of(Dependency.BLOB_STORE, blobs::checkAccess,
                Dependency.INDEX, () -> index.checkReady(Duration.ofSeconds(1))), Duration.ofSeconds(2));
        Archive archive = new Archive(batches, reader, engineIndex, blobs, LIMITS, metrics, outages);
        Cleaner cleaner = new Cleaner(engineIndex, reader, writer, blobs, settings, clock, new CleanMetrics(registry));
        return new MemoryEngine(clock, index, blobs, io, batches, reader, archive, cleaner,
                new Verifier(engineIndex, blobs), registry, outages);
    }

    /** The keys of all stored objects. */
    public List<String> objects() {
        return new ArrayList<>(objectSizes().keySet());
    }

    /** Every object's size, by key. */
    public Map<String, Long> objectSizes() {
        Map<String, Long> sizes = new TreeMap<>();
        blobs.list("", (BlobLister.BlobInfo b) -> sizes.put(b.key(), b.size()));
        return sizes;
    }

    @Override
    public void close() {
        outages.close();
        io.close();
        writer.close();
        index.close();
        blobs.close();
    }
}
