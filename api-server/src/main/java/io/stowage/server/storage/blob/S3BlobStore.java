package io.stowage.server.storage.blob;

import io.micrometer.core.instrument.MeterRegistry;
import io.stowage.server.storage.error.StorageException;
import io.stowage.server.storage.error.StorageUnavailableException;
import io.stowage.server.storage.error.Dependency;
import io.stowage.server.storage.error.UnverifiedWriteException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.metrics.MetricPublisher;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Objects in an S3 bucket (AWS S3 or an S3-compatible server), through the AWS SDK v2. Byte
 * ranges are read with ranged GETs. SDK errors are translated here and never leave this class.
 * Given a meter registry, the SDK's own per-call metrics are recorded into it ({@link S3Metrics}).
 *
 * <p>A write counts only when the store proves it holds the bytes sent: each PUT carries a
 * checksum computed here ({@link S3Checksum}) and the store's answer must match it. The SDK's
 * defaults (an {@code aws-chunked} body with a trailing checksum) are turned off unless that mode
 * is chosen: servers that do not decode {@code aws-chunked} store the framing as object bytes.
 */
public final class S3BlobStore implements BlobStore {
    private static final Logger log = LoggerFactory.getLogger(S3BlobStore.class);
    /**
     * The SDK's standard retries, plus I/O failures however an HTTP client reports them (some wrap
     * them in {@link UncheckedIOException}, which the standard strategy does not retry), plus a
     * body the store received damaged (BadDigest: the bytes changed on the way). Every call here
     * is safe to repeat.
     */
    private static final RetryStrategy RETRIES = AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .retryOnExceptionOrCauseInstanceOf(UncheckedIOException.class)
            .retryOnExceptionOrCauseInstanceOf(IOException.class)
            .retryOnException(S3BlobStore::isBadDigest)
            .maxAttempts(4)
            .build();

    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-\\d+");

    /** Writes of one object whose answer did not match before giving up. */
    private static final int PROOF_ATTEMPTS = 2;

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
        boolean trailer = settings.checksum() == S3Checksum.TRAILER;
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(settings.pathStyle())
                // plain bodies with the checksum in a header (put), unless the SDK's trailer mode is chosen
                .requestChecksumCalculation(trailer ? RequestChecksumCalculation.WHEN_SUPPORTED
                        : RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(trailer ? ResponseChecksumValidation.WHEN_SUPPORTED
                        : ResponseChecksumValidation.WHEN_REQUIRED)
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(trailer).build())
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
        PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(settings.bucket()).key(full).contentLength((long) content.length)
                .contentType("application/octet-stream");
        S3WriteProof proof = S3WriteProof.attach(settings.checksum(), content, request);
        PutObjectRequest put = request.build();
        for (int attempt = 1; ; attempt++) {
            PutObjectResponse response;
            try {
                // a fresh stream per attempt, over our array: fromBytes would copy the whole segment
                response = s3.putObject(put, RequestBody.fromContentProvider(
                        () -> new ByteArrayInputStream(content), content.length, "application/octet-stream"));
            } catch (SdkException | UncheckedIOException e) {
                throw translate("write", full, e);
            }
            if (proof.provenBy(response)) {
                return;
            }
            // another value may be bytes damaged on the way to a store that does not check Content-MD5:
            // writing again replaces them; no value at all will not change
            if (proof.answered(response) == null || attempt == PROOF_ATTEMPTS) {
                throw unproven(full, proof, response);
            }
            log.warn("{} answered {} for {} where {} is {}; writing it again", endpointText(),
                    proof.answered(response), full, settings.checksum().proof(), proof.expected());
        }
    }

    private UnverifiedWriteException unproven(String fullKey, S3WriteProof proof, PutObjectResponse response) {
        String store = "the S3 store at " + endpointText() + " (bucket '" + settings.bucket() + "')";
        String answered = proof.answered(response);
        S3Checksum mode = settings.checksum();
        String what = answered == null
                ? store + " accepted s3://" + settings.bucket() + "/" + fullKey + " without " + mode.proof()
                        + " in its answer, so it did not prove that it holds the bytes sent"
                : store + " answered " + answered + " for s3://" + settings.bucket() + "/" + fullKey + " where "
                        + mode.proof() + " of the bytes sent is " + proof.expected()
                        + " (after " + PROOF_ATTEMPTS + " writes): it holds other bytes, or something between changes"
                        + " them, or it computes that value another way";
        return new UnverifiedWriteException(what + "; the write is not acknowledged. STOWAGE_S3_CHECKSUM="
                + mode.value() + " does not work with this store: " + advice(mode));
    }

    private static String advice(S3Checksum mode) {
        return switch (mode) {
            case MD5 -> "if its ETag is not an MD5 (SSE-KMS, SSE-C), set STOWAGE_S3_CHECKSUM=crc32c or sha256;"
                    + " if it keeps aws-chunked framing or changes bytes, it cannot hold an archive";
            case CRC32C, SHA256 -> "set STOWAGE_S3_CHECKSUM=md5 (Content-MD5 and the ETag), which most"
                    + " S3-compatible servers support";
            case TRAILER -> "it does not support aws-chunked uploads with trailing checksums; set"
                    + " STOWAGE_S3_CHECKSUM=md5";
        };
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
            if (isBadDigest(e)) {
                return new StorageUnavailableException("the S3 store at " + endpointText() + " received other bytes"
                        + " for " + where + " than were sent (HTTP 400 BadDigest:" + detail + "): they changed on the"
                        + " way, the write is not acknowledged", e);
            }
            if (s3e.statusCode() >= 500 || s3e.statusCode() == 429) {
                return new StorageUnavailableException(Dependency.BLOB_STORE,
                        "S3 could not " + op + " " + where + ": HTTP " + s3e.statusCode() + detail, e);
            }
            return new StorageException("S3 refused to " + op + " " + where + ": HTTP " + s3e.statusCode() + detail, e);
        }
        return new StorageUnavailableException(Dependency.BLOB_STORE,
                "cannot reach S3 at " + endpointText() + " to " + op + " " + where + ": " + e.getMessage(), e);
    }

    /** The store refused a body whose checksum did not match: it was damaged on the way. */
    private static boolean isBadDigest(Throwable e) {
        return e instanceof S3Exception s3e && s3e.statusCode() == 400 && s3e.awsErrorDetails() != null
                && ("BadDigest".equals(s3e.awsErrorDetails().errorCode())
                        || "XAmzContentSHA256Mismatch".equals(s3e.awsErrorDetails().errorCode()));
    }

    private String stripPrefix(String fullKey) {
        return settings.prefix().isEmpty() ? fullKey : fullKey.substring(settings.prefix().length() + 1);
    }
}
