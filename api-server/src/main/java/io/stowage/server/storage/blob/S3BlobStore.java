package io.stowage.server.storage.blob;

import io.micrometer.core.instrument.MeterRegistry;
import io.stowage.server.storage.error.StorageException;
import io.stowage.server.storage.error.StorageUnavailableException;
import io.stowage.server.storage.error.Dependency;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.metrics.MetricPublisher;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Objects in an S3 bucket (AWS S3 or an S3-compatible server), through the AWS SDK v2. Byte
 * ranges are read with ranged GETs. SDK errors are translated here and never leave this class.
 * Given a meter registry, the SDK's own per-call metrics are recorded into it ({@link S3Metrics}).
 */
public final class S3BlobStore implements BlobStore {
    /**
     * The SDK's standard retries, plus I/O failures however an HTTP client reports them (some wrap
     * them in {@link UncheckedIOException}, which the standard strategy does not retry). Every call
     * here is safe to repeat.
     */
    private static final RetryStrategy RETRIES = AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .retryOnExceptionOrCauseInstanceOf(UncheckedIOException.class)
            .retryOnExceptionOrCauseInstanceOf(IOException.class)
            .maxAttempts(4)
            .build();

    private final S3Client s3;
    private final S3Settings settings;

    public S3BlobStore(S3Settings settings, AwsCredentialsProvider credentials) {
        this(settings, credentials, List.of());
    }

    public S3BlobStore(S3Settings settings, AwsCredentialsProvider credentials, MeterRegistry registry) {
        this(settings, credentials, List.of(new S3Metrics(registry)));
    }

    /**
     * Credentials from the default chain: environment, system properties, profile, web identity,
     * instance role; the SDK's metrics into {@code registry}.
     */
    public S3BlobStore(S3Settings settings, MeterRegistry registry) {
        this(settings, DefaultCredentialsProvider.builder().build(), registry);
    }

    private S3BlobStore(S3Settings settings, AwsCredentialsProvider credentials, List<MetricPublisher> publishers) {
        this.settings = settings;
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(settings.pathStyle())
                // pooled connections for parallel segment writes and ranged reads
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(64))
                .overrideConfiguration(o -> o.metricPublishers(publishers).retryStrategy(RETRIES));
        settings.endpoint().ifPresent(builder::endpointOverride);
        this.s3 = builder.build();
    }

    @Override
    public void checkAccess() {
        try {
            s3.headBucket(b -> b.bucket(settings.bucket()));
        } catch (NoSuchBucketException e) {
            throw new StorageException("bucket '" + settings.bucket() + "' does not exist at " + endpointText()
                    + "; create it or set STOWAGE_S3_BUCKET", e);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw new StorageException("bucket '" + settings.bucket() + "' does not exist at " + endpointText()
                        + "; create it or set STOWAGE_S3_BUCKET", e);
            }
            throw new StorageException("cannot access bucket '" + settings.bucket() + "' at " + endpointText()
                    + ": HTTP " + e.statusCode() + " " + e.awsErrorDetails().errorMessage()
                    + " (check the credentials and STOWAGE_S3_REGION)", e);
        } catch (SdkClientException e) {
            throw new StorageUnavailableException(Dependency.BLOB_STORE,
                    "cannot reach S3 at " + endpointText() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String location() {
        return "s3://" + settings.bucket() + "/" + settings.prefix();
    }

    @Override
    public void put(String key, byte[] content) {
        String full = fullKey(key);
        try {
            s3.putObject(b -> b.bucket(settings.bucket()).key(full).contentLength((long) content.length),
                    // a fresh stream per attempt, over our array: fromBytes would copy the whole segment
                    RequestBody.fromContentProvider(() -> new ByteArrayInputStream(content), content.length,
                            "application/octet-stream"));
        } catch (SdkException | UncheckedIOException e) {
            throw translate("write", full, e);
        }
    }

    @Override
    public byte[] read(String key) {
        String full = fullKey(key);
        try {
            return s3.getObjectAsBytes(GetObjectRequest.builder().bucket(settings.bucket()).key(full).build())
                    .asByteArray();
        } catch (SdkException | UncheckedIOException e) {
            throw translate("read", full, e);
        }
    }

    @Override
    public byte[] readRange(String key, long offset, int length) {
        String full = fullKey(key);
        String range = "bytes=" + offset + "-" + (offset + length - 1);
        byte[] bytes;
        try {
            bytes = s3.getObjectAsBytes(GetObjectRequest.builder()
                            .bucket(settings.bucket()).key(full).range(range).build())
                    .asByteArray();
        } catch (SdkException | UncheckedIOException e) {
            throw translate("read", full, e);
        }
        if (bytes.length != length) {
            throw new StorageException("range " + range + " of " + full + " returned " + bytes.length + " bytes");
        }
        return bytes;
    }

    @Override
    public void delete(String key) {
        String full = fullKey(key);
        try {
            s3.deleteObject(b -> b.bucket(settings.bucket()).key(full));
        } catch (NoSuchKeyException e) {
            // already gone
        } catch (SdkException | UncheckedIOException e) {
            throw translate("delete", full, e);
        }
    }

    @Override
    public void list(String prefix, Consumer<BlobInfo> action) {
        String base = settings.prefix().isEmpty() ? "" : settings.prefix() + "/";
        try {
            s3.listObjectsV2Paginator(ListObjectsV2Request.builder()
                            .bucket(settings.bucket()).prefix(base + prefix).build())
                    .contents()
                    .forEach((S3Object o) -> action.accept(new BlobInfo(o.key().substring(base.length()), o.size())));
        } catch (SdkException | UncheckedIOException e) {
            throw translate("list", base + prefix, e);
        }
    }

    @Override
    public void close() {
        s3.close();
    }

    private String fullKey(String key) {
        BlobKeys.requireSafe(key);
        return settings.prefix().isEmpty() ? key : settings.prefix() + "/" + key;
    }

    private String endpointText() {
        return settings.endpoint().map(Object::toString).orElse("AWS S3 (" + settings.region() + ")");
    }

    private RuntimeException translate(String op, String fullKey, RuntimeException e) {
        String where = "s3://" + settings.bucket() + "/" + fullKey;
        if (e instanceof NoSuchKeyException) {
            return new BlobNotFoundException(stripPrefix(fullKey));
        }
        if (e instanceof S3Exception s3e) {
            if (s3e.statusCode() == 404) {
                return new BlobNotFoundException(stripPrefix(fullKey));
            }
            String detail = s3e.awsErrorDetails() == null ? "" : " " + s3e.awsErrorDetails().errorMessage();
            if (s3e.statusCode() >= 500 || s3e.statusCode() == 429) {
                return new StorageUnavailableException(Dependency.BLOB_STORE,
                        "S3 could not " + op + " " + where + ": HTTP " + s3e.statusCode() + detail, e);
            }
            return new StorageException("S3 refused to " + op + " " + where + ": HTTP " + s3e.statusCode() + detail, e);
        }
        return new StorageUnavailableException(Dependency.BLOB_STORE,
                "cannot reach S3 at " + endpointText() + " to " + op + " " + where + ": " + e.getMessage(), e);
    }

    private String stripPrefix(String fullKey) {
        return settings.prefix().isEmpty() ? fullKey : fullKey.substring(settings.prefix().length() + 1);
    }
}
