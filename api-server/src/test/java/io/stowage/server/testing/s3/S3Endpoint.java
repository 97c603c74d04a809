package io.stowage.server.testing.s3;

import io.stowage.server.storage.blob.S3BlobStore;
import io.stowage.s3.S3Checksum;
import io.stowage.s3.S3Settings;
import java.net.URI;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/** An S3-compatible server a test talks to (S3Proxy, s3rver, MinIO, or a proxy in front of one). */
public record S3Endpoint(String name, URI uri, String accessKey, String secretKey) {
    public static final String REGION = "us-east-1";

    /** The same server's credentials at another address (a proxy in front of it). */
    public S3Endpoint via(String otherName, URI otherUri) {
        return new S3Endpoint(otherName, otherUri, accessKey, secretKey);
    }

    public StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
    }

    public S3Settings settings(String bucket, String prefix, S3Checksum checksum) {
        return new S3Settings(bucket, prefix, REGION, Optional.of(uri), true, checksum);
    }

    /** Creates {@code bucket} (if new) and opens a store over it with the default proof of writes. */
    public S3BlobStore store(String bucket, String prefix) {
        return store(bucket, prefix, S3Checksum.MD5);
    }

    public S3BlobStore store(String bucket, String prefix, S3Checksum checksum) {
        createBucket(bucket);
        return new S3BlobStore(settings(bucket, prefix, checksum), credentials());
    }

    public void createBucket(String bucket) {
        try (S3Client s3 = S3Client.builder().region(Region.of(REGION)).credentialsProvider(credentials())
                .endpointOverride(uri).forcePathStyle(true).build()) {
            s3.createBucket(b -> b.bucket(bucket));
        } catch (BucketAlreadyOwnedByYouException e) {
            // made by an earlier test
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
