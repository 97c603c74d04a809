package io.stowage.s3;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * How a segment PUT proves that the store holds exactly the bytes Stowage sent: which checksum
 * travels with the request, and what in the store's answer must match it. All but
 * {@link #TRAILER} send a plain (not {@code aws-chunked}) body with the checksum in a header,
 * which every S3-compatible server understands.
 */
public enum S3Checksum {
    /**
     * {@link #CRC32C} where the store echoes it, else {@link #MD5}: the first write tries CRC32C,
     * and an answer without the echo (a store that does not know the header) makes that write and
     * every later one use MD5. For deployments that may meet either kind of store, also one
     * whose ETag is no MD5 (SSE-KMS) but that checks checksum headers.
     */
    AUTO("an x-amz-checksum-crc32c header, or the ETag (an MD5) where the store does not echo checksums"),
    /**
     * {@code Content-MD5}; the store refuses a body that does not match it, and its ETag (the MD5
     * of a single-part object) must equal ours. Works on AWS S3 and on the S3-compatible servers
     * that compute ETags as MD5; not where the ETag is something else (SSE-KMS, SSE-C).
     */
    MD5("the ETag (an MD5 of the object)"),
    /** {@code x-amz-checksum-crc32c}; the store must echo it in its answer. */
    CRC32C("an x-amz-checksum-crc32c header"),
    /** {@code x-amz-checksum-sha256}; the store must echo it in its answer. */
    SHA256("an x-amz-checksum-sha256 header"),
    /**
     * The AWS SDK's own mode: an {@code aws-chunked} body with a trailing CRC32, echoed by the
     * store. Only for servers that decode {@code aws-chunked} uploads (AWS S3, recent MinIO).
     */
    TRAILER("an x-amz-checksum-crc32 header");

    private final String proof;

    S3Checksum(String proof) {
        this.proof = proof;
    }

    /** What the store's answer must carry, for messages. */
    public String proof() {
        return proof;
    }

    /** The setting's value: {@code auto}, {@code md5}, {@code crc32c}, {@code sha256} or {@code trailer}. */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads a setting's value; throws {@link IllegalArgumentException} naming the allowed ones. */
    public static S3Checksum parse(String text) {
        for (S3Checksum c : values()) {
            if (c.value().equalsIgnoreCase(text.trim())) {
                return c;
            }
        }
        throw new IllegalArgumentException("expected one of "
                + Arrays.stream(values()).map(S3Checksum::value).collect(Collectors.joining(", ")));
    }
}
