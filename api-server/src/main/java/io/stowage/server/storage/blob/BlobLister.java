package io.stowage.server.storage.blob;

import java.util.function.Consumer;

/** Lists the objects of the store. */
public interface BlobLister {
    /** Calls {@code action} for every object whose key starts with {@code prefix} ("" for all). */
    void list(String prefix, Consumer<BlobInfo> action);

    record BlobInfo(String key, long size) {}
}
