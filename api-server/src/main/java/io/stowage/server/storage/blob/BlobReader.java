package io.stowage.server.storage.blob;

/** Reads objects or byte ranges of them. */
public interface BlobReader {
    /** The whole object; {@link BlobNotFoundException} when there is none. */
    byte[] read(String key);

    /** {@code length} bytes from {@code offset}; {@link BlobNotFoundException} when there is no object. */
    byte[] readRange(String key, long offset, int length);
}
