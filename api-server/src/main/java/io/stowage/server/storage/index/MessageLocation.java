package io.stowage.server.storage.index;

/** Where the stored document of a message is: a byte range of a segment object. */
public record MessageLocation(String id, long segmentId, String objectKey, int offset, int length) {}
