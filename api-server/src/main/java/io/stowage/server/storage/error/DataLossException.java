package io.stowage.server.storage.error;

/** The index points at stored bytes that are missing or unreadable. */
public class DataLossException extends StorageException {
    public DataLossException(String message, Throwable cause) {
        super(message, cause);
    }
}
