package io.stowage.server.storage.blob;

import io.micrometer.core.instrument.MeterRegistry;
import io.stowage.s3.S3Bucket;
import io.stowage.s3.S3Checksum;
import io.stowage.s3.S3Clients;
import io.stowage.s3.S3Failure;
import io.stowage.s3.S3SettingNames;
import io.stowage.s3.S3Settings;
import io.stowage.server.storage.error.Dependency;
import io.stowage.server.storage.error.StorageException;
import io.stowage.server.storage.error.StorageUnavailableException;
import io.stowage.server.storage.error.UnverifiedWriteException;
import java.util.List;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.metrics.MetricPublisher;

/**
 * Objects in an S3 bucket (AWS S3 or an S3-compatible server), through the project's one S3
 * client ({@link S3Clients}, {@link S3Bucket}). Byte ranges are read with ranged GETs. The
 * bucket's failures are translated into this package's exceptions here and never leave this class. Given a meter
 * registry, the SDK's own per-call metrics are recorded into it ({@link S3Metrics}).
 *
 * <p>A write counts only when the store proves it holds the bytes sent ({@link S3Bucket#put}).
 */
public final class S3BlobStore implements BlobStore {
    private final S3Bucket bucket;
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
        this.bucket = new S3Bucket(S3Clients.create(settings, credentials, publishers), settings,
                S3SettingNames.SERVER);
    }

    @Override
    public void checkAccess() {
        try {
            bucket.checkAccess();
        } catch (S3Failure e) {
            throw translate(e);
        }
    }

    /** How writes are proven now: the setting, or with {@code auto} what the store's first answer showed. */
    public S3Checksum proofInUse() {
        return bucket.proofInUse();
    }

    @Override
    public String location() {
        return "s3://" + settings.bucket() + "/" + settings.prefix();
    }

    @Override
    public void put(String key, byte[] content) {
        try {
            bucket.put(fullKey(key), content, "application/octet-stream");
        } catch (S3Failure e) {
            throw translate(e);
        }
    }

    @Override
    public byte[] read(String key) {
        try {
            return bucket.get(fullKey(key));
        } catch (S3Failure e) {
            throw translate(e);
        }
    }

    @Override
    public byte[] readRange(String key, long offset, int length) {
        try {
            return bucket.getRange(fullKey(key), offset, length);
        } catch (S3Failure e) {
            throw translate(e);
        }
    }

    @Override
    public void delete(String key) {
        try {
            bucket.delete(fullKey(key));
        } catch (S3Failure e) {
            throw translate(e);
        }
    }

    @Override
    public long deleteMeasured(String key) {
        try {
            String fullKey = fullKey(key);
            long size = bucket.size(fullKey);
            bucket.delete(fullKey);
            return Math.max(size, 0);
        } catch (S3Failure e) {
            throw translate(e);
        }
    }

    @Override
    public void list(String prefix, Consumer<BlobInfo> action) {
        String base = settings.prefix().isEmpty() ? "" : settings.prefix() + "/";
        try {
            bucket.list(base + prefix, o -> action.accept(new BlobInfo(o.key().substring(base.length()), o.size())));
        } catch (S3Failure e) {
            throw translate(e);
        }
    }

    @Override
    public void close() {
        bucket.close();
    }

    private String fullKey(String key) {
        BlobKeys.requireSafe(key);
        return settings.prefix().isEmpty() ? key : settings.prefix() + "/" + key;
    }

    private RuntimeException translate(S3Failure e) {
        return switch (e.kind()) {
            case NOT_FOUND -> new BlobNotFoundException(stripPrefix(e.key()));
            case NO_BUCKET, FAILED -> new StorageException(e.getMessage(), e.getCause());
            case UNAVAILABLE -> new StorageUnavailableException(Dependency.BLOB_STORE, e.getMessage(), e.getCause());
            // not an outage: the bytes changed on the way, a write again may pass
            case DAMAGED -> new StorageUnavailableException(e.getMessage(), e.getCause());
            case UNPROVEN -> new UnverifiedWriteException(e.getMessage());
        };
    }

    private String stripPrefix(String fullKey) {
        return settings.prefix().isEmpty() ? fullKey : fullKey.substring(settings.prefix().length() + 1);
    }
}
