package io.stowage.server.storage.blob;

import io.stowage.server.storage.error.StorageException;

/** There is no object under the key. */
public class BlobNotFoundException extends StorageException {
    private final String key;

    public BlobNotFoundException(String key) {
        super("no object at " + key);
        this.key = key;
    }

    public String key() {
        return key;
    }
}
