package io.stowage.s3;

import java.net.URI;
import java.util.Optional;

/**
 * Where and how to reach an S3 bucket.
 *
 * @param bucket the bucket
 * @param prefix key prefix inside the bucket, without leading or trailing slash ("" for none)
 * @param region the region to sign for
 * @param endpoint endpoint of an S3-compatible server; empty for AWS S3 itself
 * @param pathStyle address the bucket in the path (most S3-compatible servers need this)
 * @param checksum how each PUT proves that the store holds the bytes sent
 */
public record S3Settings(String bucket, String prefix, String region, Optional<URI> endpoint, boolean pathStyle,
        S3Checksum checksum) {
    public S3Settings {
        prefix = prefix.replaceAll("^/+|/+$", "");
    }

    /** With the default proof of writes, {@link S3Checksum#MD5}. */
    public S3Settings(String bucket, String prefix, String region, Optional<URI> endpoint, boolean pathStyle) {
        this(bucket, prefix, region, endpoint, pathStyle, S3Checksum.MD5);
    }

    /** The same bucket, proved another way. */
    public S3Settings withChecksum(S3Checksum other) {
        return new S3Settings(bucket, prefix, region, endpoint, pathStyle, other);
    }
}
