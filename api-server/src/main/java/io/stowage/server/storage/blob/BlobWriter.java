package io.stowage.server.storage.blob;

/** Writes whole objects. */
public interface BlobWriter {
    /**
     * Stores {@code content} under {@code key}, replacing any object there. When this returns
     * the object is durable and readers see all of it or, before, nothing of it.
     */
    void put(String key, byte[] content);
}
