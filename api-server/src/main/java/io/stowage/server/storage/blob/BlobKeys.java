package io.stowage.server.storage.blob;

import io.stowage.server.storage.error.InvalidRequestException;

/** Checks that a key is a relative path that stays below the store's root. */
final class BlobKeys {
    private BlobKeys() {}

    static String requireSafe(String key) {
        if (key.isEmpty() || key.startsWith("/") || key.contains("\\") || key.contains("\0")) {
            throw new InvalidRequestException("object key must be a relative path: " + key);
        }
        for (String part : key.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                throw new InvalidRequestException("object key has an empty, '.' or '..' part: " + key);
            }
        }
        return key;
    }
}
