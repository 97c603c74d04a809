package io.stowage.server;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.server.clean.Cleaner;
import io.stowage.server.config.JdbcTarget;
import io.stowage.server.config.ServerConfig;
import io.stowage.server.metrics.ArchiveMetrics;
import io.stowage.server.storage.Archive;
import io.stowage.server.storage.BatchWriter;
import io.stowage.server.storage.MessageReader;
import io.stowage.server.storage.ParallelIo;
import io.stowage.server.storage.blob.BlobStore;
import io.stowage.server.storage.blob.BlobStoreProbe;
import io.stowage.server.storage.blob.FileBlobStore;
import io.stowage.server.storage.blob.S3BlobStore;
import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.storage.index.SegmentCatalog;
import io.stowage.server.storage.index.postgres.Database;
import io.stowage.server.storage.index.postgres.PostgresMessageIndex;
import io.stowage.server.storage.index.postgres.PostgresSegmentCatalog;
import io.stowage.server.verify.Verifier;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage engine wired together: blob store, index, archive operations and cleaner. Owns
 * the connections and threads and releases them on {@link #close()}. Its metrics go to the
 * registry it is given; the constructors without one keep them in memory only.
 */
public final class Storage implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Storage.class);

    private final BlobStore blobs;
    private final Database database;
    private final ParallelIo io;
    private final Archive archive;
    private final Cleaner cleaner;
    private final Verifier verifier;

    public Storage(BlobStore blobs, Database database, ServerConfig config, Clock clock) {
        this(blobs, database, new PostgresMessageIndex(database), config, clock);
    }

    /** With a given index, so that tests can interpose on it. */
    public Storage(BlobStore blobs, Database database, MessageIndex index, ServerConfig config, Clock clock) {
        this(blobs, database, index, config, clock, new SimpleMeterRegistry());
    }

    public Storage(BlobStore blobs, Database database, MessageIndex index, ServerConfig config, Clock clock,
            MeterRegistry registry) {
        ArchiveMetrics metrics = new ArchiveMetrics(registry);
        this.blobs = blobs;
        this.database = database;
        this.io = new ParallelIo(config.ioThreads());
        SegmentCatalog catalog = new PostgresSegmentCatalog(database);
        MessageReader reader = new MessageReader(blobs, index, io);
        BatchWriter writer = new BatchWriter(index, blobs, io, config.limits(), clock, metrics);
        this.archive = new Archive(writer, reader, index, catalog, blobs, config.limits(), metrics);
        this.cleaner = new Cleaner(catalog, index, reader, blobs, blobs, config.clean(), clock, metrics);
        this.verifier = new Verifier(catalog, blobs);
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
            Database database = Database.connect(db.url(), db.user(), db.password(), config.dbSchema(),
                    config.dbPoolSize(), registry);
            log.info("Segments in {}, index in {}", blobs.location(), database.description());
            return new Storage(blobs, database, new PostgresMessageIndex(database), config, Clock.systemUTC(),
                    registry);
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

    public Database database() {
        return database;
    }

    @Override
    public void close() {
        io.close();
        database.close();
        blobs.close();
    }
}
