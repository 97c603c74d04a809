package io.stowage.server.storage.blob;

/** Deletes objects. Deleting an object that is already gone succeeds. */
public interface BlobDeleter {
    void delete(String key);
}
