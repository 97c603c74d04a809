package io.stowage.server.testing;

import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.stowage.api.v1.AdminGrpc;
import io.stowage.api.v1.CleanerGrpc;
import io.stowage.api.v1.MessagesGrpc;
import io.stowage.server.GrpcServer;
import io.stowage.server.Storage;
import io.stowage.server.StowageServer;
import io.stowage.server.config.ServerConfig;
import io.stowage.server.storage.blob.BlobStore;
import io.stowage.server.storage.blob.FileBlobStore;
import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.storage.index.postgres.Database;
import io.stowage.server.storage.index.postgres.PostgresIndex;
import io.stowage.server.testing.s3.S3rverProcess;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The real api-server services over real storage (PostgreSQL, and files or an S3-compatible
 * server), served in-process under a unique name and called through real stubs.
 */
public final class ArchiveServer implements AutoCloseable {
    /** Files, S3Proxy in-process, or s3rver in a node process (skips the test without node and npm). */
    public enum Backend { FILES, S3, S3RVER }

    private final Storage storage;
    private final GrpcServer server;
    private final ManagedChannel channel;
    private final BlobStore blobs;
    private final PostgresIndex index;

    private ArchiveServer(Storage storage, GrpcServer server, ManagedChannel channel, BlobStore blobs,
            PostgresIndex index) {
        this.storage = storage;
        this.server = server;
        this.channel = channel;
        this.blobs = blobs;
        this.index = index;
    }

    public static ArchiveServer start(String testName, Backend backend, Path tempDir, Map<String, String> env) {
        return start(testName, backend, tempDir, env, UnaryOperator.identity());
    }

    /** With {@code interpose} wrapped around the real index, to make it fail at a chosen step. */
    public static ArchiveServer start(String testName, Backend backend, Path tempDir, Map<String, String> env,
            UnaryOperator<MessageIndex> interpose) {
        String name = TestBackends.uniqueName(testName);
        BlobStore blobs = switch (backend) {
            case S3 -> TestBackends.s3Store(name, "stowage");
            case S3RVER -> S3rverProcess.endpoint().store(name, "stowage");
            case FILES -> new FileBlobStore(tempDir.resolve(name));
        };
        return start(name, blobs, env, interpose);
    }

    /** Over a given blob store (an S3 server behind a fault proxy, say); {@code name} must be unique. */
    public static ArchiveServer start(String name, BlobStore blobs, Map<String, String> env) {
        return start(name, blobs, env, UnaryOperator.identity());
    }

    private static ArchiveServer start(String name, BlobStore blobs, Map<String, String> env,
            UnaryOperator<MessageIndex> interpose) {
        Map<String, String> settings = new HashMap<>(Map.of("STOWAGE_CLEAN_INTERVAL", "off"));
        settings.putAll(env);
        ServerConfig config = TestBackends.config(settings);
        PostgresIndex index = new PostgresIndex(TestBackends.database(name));
        Storage storage = new Storage(blobs, interpose.apply(index), config, Clock.systemUTC());
        GrpcServer server = new GrpcServer(InProcessServerBuilder.forName(name),
                StowageServer.services(storage), Duration.ofSeconds(5)).start();
        ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
        return new ArchiveServer(storage, server, channel, blobs, index);
    }

    public MessagesGrpc.MessagesBlockingStub messages() {
        return MessagesGrpc.newBlockingStub(channel);
    }

    public CleanerGrpc.CleanerBlockingStub cleaner() {
        return CleanerGrpc.newBlockingStub(channel);
    }

    public AdminGrpc.AdminBlockingStub admin() {
        return AdminGrpc.newBlockingStub(channel);
    }

    public ManagedChannel channel() {
        return channel;
    }

    public BlobStore blobs() {
        return blobs;
    }

    public Storage storage() {
        return storage;
    }

    /** The index's database, to damage rows with SQL as only a test would. */
    public Database database() {
        return index.database();
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.close();
        storage.close();
    }
}
