package io.stowage.server.storage.index;

/** A message row as the index holds it: where its document is, and the digest of its content. */
public record IndexedMessage(MessageLocation location, byte[] digest) {
    public String id() {
        return location.id();
    }
}
