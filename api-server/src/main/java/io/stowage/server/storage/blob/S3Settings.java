package io.stowage.server.storage.blob;

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
 */
public record S3Settings(String bucket, String prefix, String region, Optional<URI> endpoint, boolean pathStyle) {
    public S3Settings {
        prefix = prefix.replaceAll("^/+|/+$", "");
    }
}
