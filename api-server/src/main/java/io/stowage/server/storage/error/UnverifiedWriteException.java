package io.stowage.server.storage.error;

/**
 * The store answered a write without proving that it holds the bytes sent (no checksum in its
 * answer, or another one). Nothing is acknowledged; retrying does not help until the store or
 * the setting named in the message changes.
 */
public class UnverifiedWriteException extends StorageException {
    public UnverifiedWriteException(String message) {
        super(message);
    }
}
