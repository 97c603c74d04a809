package io.stowage.server.storage.blob;

/**
 * Where segment objects live: a local directory or an S3 bucket. Keys are relative paths
 * ({@code stream=a/type=b/dt=2024-01-01/hr=00/x.bson}); each store places them under its own root
 * or prefix. Adapters translate their SDK's errors into {@link BlobNotFoundException},
 * {@link io.stowage.server.storage.error.StorageUnavailableException} and
 * {@link io.stowage.server.storage.error.StorageException}.
 */
public interface BlobStore extends BlobWriter, BlobReader, BlobDeleter, BlobLister, AutoCloseable {
    /** Checks that the store is reachable and writable; fails with a message that says what to fix. */
    void checkAccess();

    /** Where the objects are, for logs and status: a directory or {@code s3://bucket/prefix}. */
    String location();

    @Override
    void close();
}
