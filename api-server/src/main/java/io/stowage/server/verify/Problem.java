package io.stowage.server.verify;

/** Something wrong that verify found. */
public record Problem(Kind kind, String objectKey, String messageId, String detail, boolean repaired) {

    public enum Kind {
        /** A segment the index points at has no object. */
        MISSING_OBJECT,
        /** A message's byte range is past the end of its object, or not a readable document. */
        UNREADABLE_MESSAGE,
        /** A message's document does not match its content digest. */
        DIGEST_MISMATCH,
        /** An object the index does not know. */
        ORPHAN_OBJECT,
        /** A segment's live count disagrees with its message rows. */
        COUNT_MISMATCH
    }
}
