package io.stowage.server.storage.error;

/** A storage backend (the blob store or the index database) cannot be reached now; retry later. */
public class StorageUnavailableException extends StorageException {
    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
