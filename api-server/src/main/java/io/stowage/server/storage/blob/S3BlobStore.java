package io.stowage.server.storage.blob;

import io.micrometer.core.instrument.MeterRegistry;
import io.stowage.s3.S3Bucket;
import io.stowage.s3.S3Clients;
import io.stowage.s3.S3Failure;
import io.stowage.s3.S3SettingNames;
import io.stowage.s3.S3Settings;
import io.stowage.server.storage.error.Dependency;
import io.stowage.server.storage.error.StorageException;
import io.stowage.server.storage.error.StorageUnavailableException;
import io.stowage.server.storage.error.UnverifiedWriteException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.metrics.MetricPublisher;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

/**
 * Objects in an S3 bucket (AWS S3 or an S3-compatible server), through the project's one S3
 * client ({@link S3Clients}, {@link S3Bucket}). Byte ranges are read with ranged GETs. SDK errors
 * are translated into this package's exceptions here and never leave this class. Given a meter
 * registry, the SDK's own per-call metrics are recorded into it ({@link S3Metrics}).
 *
 * <p>A write counts only when the store proves it holds the bytes sent ({@link S3Bucket#put}).
 */
public final class S3BlobStore implements BlobStore {
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-\\d+");

    private final S3Bucket bucket;
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
        this.bucket = new S3Bucket(S3Clients.create(settings, credentials, publishers), settings,
                S3SettingNames.SERVER);
        this.s3 = bucket.client();
    }

    @Override
    public void checkAccess() {
        try {
            bucket.checkAccess();
        } catch (S3Failure e) {
            throw translate(e);
        }
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
        ResponseBytes<GetObjectResponse> answer;
        try {
            answer = s3.getObjectAsBytes(GetObjectRequest.builder()
                    .bucket(settings.bucket()).key(full).range(range).build());
        } catch (SdkException | UncheckedIOException e) {
            throw translate("read", full, e);
        }
        byte[] bytes = requestedPart(answer.asByteArray(), offset, length, answer.response().contentRange());
        if (bytes.length != length) {
            throw new StorageException("range " + range + " of " + full + " returned " + bytes.length + " bytes");
        }
        return bytes;
    }

    /**
     * The asked range out of what the store sent, when it sent more: HTTP lets a server ignore
     * Range (a 200 with the whole object) or answer a wider one (s3rver sends the whole object,
     * with a Content-Range saying so, for {@code bytes=0-0}).
     */
    private static byte[] requestedPart(byte[] bytes, long offset, int length, String contentRange) {
        if (bytes.length == length) {
            return bytes;
        }
        long start = 0;
        if (contentRange != null) {
            Matcher m = CONTENT_RANGE.matcher(contentRange);
            if (!m.lookingAt()) {
                return bytes;
            }
            start = Long.parseLong(m.group(1));
        }
        if (start > offset || start + bytes.length < offset + length) {
            return bytes;
        }
        int from = (int) (offset - start);
        return Arrays.copyOfRange(bytes, from, from + length);
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

    private RuntimeException translate(String op, String fullKey, RuntimeException e) {
        return translate(bucket.failure(op, fullKey, e));
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
