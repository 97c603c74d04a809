package io.stowage.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.server.clean.CleanMetrics;
import io.stowage.server.clean.Cleaner;
import io.stowage.server.config.JdbcTarget;
import io.stowage.server.config.ServerConfig;
import io.stowage.server.metrics.ArchiveMetrics;
import io.stowage.server.metrics.OutageLog;
import io.stowage.server.storage.Archive;
import io.stowage.server.storage.BatchWriter;
import io.stowage.server.storage.error.Dependency;
import io.stowage.server.storage.MessageReader;
import io.stowage.server.storage.ParallelIo;
import io.stowage.server.storage.blob.BlobStore;
import io.stowage.server.storage.blob.BlobStoreProbe;
import io.stowage.server.storage.blob.FileBlobStore;
import io.stowage.server.storage.blob.S3BlobStore;
import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.storage.index.postgres.PostgresIndex;
import io.stowage.server.verify.Verifier;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage engine wired together: blob store, index, archive operations and cleaner. Owns
 * the connections and threads and releases them on {@link #close()}. Its metrics go to the
 * registry it is given; the constructors without one keep them in memory only.
 */
public final class Storage implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Storage.class);
    /** While a dependency is down, it is probed this often, so that its recovery is logged. */
    static final Duration OUTAGE_PROBE_INTERVAL = Duration.ofSeconds(2);

    private final BlobStore blobs;
    private final MessageIndex index;
    private final ParallelIo io;
    private final BatchWriter writer;
    private final Archive archive;
    private final Cleaner cleaner;
    private final Verifier verifier;
    private final OutageLog outages;

    /** Over a blob store and an index, which it closes on {@link #close()}; metrics in memory only. */
    public Storage(BlobStore blobs, MessageIndex index, ServerConfig config, Clock clock) {
        this(blobs, index, config, clock, new SimpleMeterRegistry());
    }

    public Storage(BlobStore blobs, MessageIndex index, ServerConfig config, Clock clock, MeterRegistry registry) {
        ArchiveMetrics metrics = new ArchiveMetrics(registry);
        this.outages = new OutageLog(registry, Map.of(Dependency.BLOB_STORE, blobs::checkAccess,
                Dependency.INDEX, () -> index.checkReady(OUTAGE_PROBE_INTERVAL)), OUTAGE_PROBE_INTERVAL);
        this.blobs = blobs;
        this.index = index;
        this.io = new ParallelIo(config.ioThreads());
        MessageReader reader = new MessageReader(blobs, index, io, config.segmentFormat());
        this.writer = new BatchWriter(index, blobs, io, config.limits(), clock, metrics, config.segmentFormat(),
                config.clean().pendingGrace());
        this.archive = new Archive(writer, reader, index, blobs, config.limits(), metrics, outages);
        this.cleaner = new Cleaner(index, reader, blobs, blobs, config.clean(), clock, new CleanMetrics(registry),
                config.segmentFormat());
        this.verifier = new Verifier(index, blobs, config.segmentFormat());
    }

    /**
     * Opens the blob store that {@code config} names and the index at {@code db}, with their
     * metrics (S3 calls, the connection pool, the archive's work) in {@code registry}.
     */
    public static Storage open(ServerConfig config, JdbcTarget db, MeterRegistry registry) {
        BlobStore blobs = config.s3().<BlobStore>map(s3 -> new S3BlobStore(s3, registry))
                .orElseGet(() -> new FileBlobStore(config.dataDir().resolve("segments")));
        try {
            blobs.checkAccess();
            BlobStoreProbe.check(blobs);
            MessageIndex index = PostgresIndex.connect(db.url(), db.user(), db.password(), config.dbSchema(),
                    config.dbPoolSize(), config.dbLockTimeout(), registry);
            log.info("Segments in {}, index in {}", blobs.location(), index.description());
            try {
                return new Storage(blobs, index, config, Clock.systemUTC(), registry);
            } catch (RuntimeException e) {
                index.close();
                throw e;
            }
        } catch (RuntimeException e) {
            blobs.close();
            throw e;
        }
    }

    public Archive archive() {
        return archive;
    }

    public Cleaner cleaner() {
        return cleaner;
    }

    public Verifier verifier() {
        return verifier;
    }

    public BlobStore blobs() {
        return blobs;
    }

    /** The index, whose readiness the server checks. */
    public MessageIndex index() {
        return index;
    }

    /** Where outages of the blob store and the index are logged (once each) and counted. */
    public OutageLog outages() {
        return outages;
    }

    @Override
    public void close() {
        writer.close(); // first: it forgets its unused reservations in the index, and throws nothing
        outages.close();
        io.close();
        index.close();
        blobs.close();
    }
}
