package io.stowage.server.storage.error;

/** Storage failed in a way that retrying will not fix by itself; the details belong in the log. */
public class StorageException extends RuntimeException {
    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
