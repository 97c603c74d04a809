package io.stowage.s3;

/**
 * An S3 call that failed, translated from the SDK's errors: what kind of failure it is (so that
 * callers map it to their own exceptions), a message a person can act on, and the SDK's exception
 * as the cause. SDK types never travel further than this.
 */
public final class S3Failure extends RuntimeException {
    /** What went wrong, as far as a caller has to tell apart. */
    public enum Kind {
        /** The object is not there. */
        NOT_FOUND,
        /** The bucket is not there. */
        NO_BUCKET,
        /** The store refused or failed in a way that retrying will not fix by itself. */
        FAILED,
        /** The store could not be reached, or answered 5xx / 429: retry later. */
        UNAVAILABLE,
        /** The store received other bytes than were sent (BadDigest): they changed on the way. */
        DAMAGED,
        /** The store answered a write without proving that it holds the bytes sent. */
        UNPROVEN
    }

    private final Kind kind;
    private final String key;

    public S3Failure(Kind kind, String key, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.key = key;
    }

    public Kind kind() {
        return kind;
    }

    /** The full object key (with the prefix) the call was about; empty for calls on the bucket. */
    public String key() {
        return key;
    }
}
