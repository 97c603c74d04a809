package io.stowage.server.storage.blob;

/** Deletes objects. Deleting an object that is already gone succeeds. */
public interface BlobDeleter {
    void delete(String key);

    /**
     * Deletes the object and returns the bytes that freed, 0 when there was none: for an object
     * whose size the index does not know (a segment registered before its write, and abandoned).
     * Costs a request more than {@link #delete} on S3.
     */
    long deleteMeasured(String key);
}
