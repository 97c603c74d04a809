package io.stowage.s3;

import java.io.ByteArrayInputStream;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * One S3 bucket reached through a client from {@link S3Clients}: its access check, writes the
 * store must prove, and the translation of the SDK's errors into {@link S3Failure}s whose messages
 * name the settings to change ({@link S3SettingNames}). Keys here are full keys, prefix included.
 *
 * <p>A write counts only when the store proves it holds the bytes sent: each PUT carries a
 * checksum computed here ({@link S3Checksum}) and the store's answer must match it.
 */
public final class S3Bucket implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(S3Bucket.class);

    /** Writes of one object whose answer did not match before giving up. */
    private static final int PROOF_ATTEMPTS = 2;

    private final S3Client s3;
    private final S3Settings settings;
    private final S3SettingNames names;

    public S3Bucket(S3Client s3, S3Settings settings, S3SettingNames names) {
        this.s3 = s3;
        this.settings = settings;
        this.names = names;
    }

    /** The client, for the calls that need no proof (reads, lists, deletes); translate their errors with {@link #failure}. */
    public S3Client client() {
        return s3;
    }

    public S3Settings settings() {
        return settings;
    }

    /** Fails unless the bucket exists and the credentials may use it. */
    public void checkAccess() {
        try {
            s3.headBucket(b -> b.bucket(settings.bucket()));
        } catch (NoSuchBucketException e) {
            throw noBucket(e);
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                throw noBucket(e);
            }
            throw new S3Failure(S3Failure.Kind.FAILED, "", "cannot access bucket '" + settings.bucket() + "' at "
                    + endpointText() + ": HTTP " + e.statusCode() + " " + e.awsErrorDetails().errorMessage()
                    + " (check the credentials and " + names.region() + ")", e);
        } catch (SdkClientException e) {
            throw new S3Failure(S3Failure.Kind.UNAVAILABLE, "",
                    "cannot reach S3 at " + endpointText() + ": " + e.getMessage(), e);
        }
    }

    private S3Failure noBucket(S3Exception e) {
        return new S3Failure(S3Failure.Kind.NO_BUCKET, "", "bucket '" + settings.bucket() + "' does not exist at "
                + endpointText() + "; " + names.bucket(), e);
    }

    /**
     * Writes {@code content} to {@code fullKey} and returns once the store has proven that it holds
     * exactly those bytes; a wrong proof is written once more (bytes damaged on the way to a store
     * that does not check Content-MD5), then fails as {@link S3Failure.Kind#UNPROVEN}.
     */
    public void put(String fullKey, byte[] content, String contentType) {
        PutObjectRequest.Builder request = PutObjectRequest.builder()
                .bucket(settings.bucket()).key(fullKey).contentLength((long) content.length)
                .contentType(contentType);
        S3WriteProof proof = S3WriteProof.attach(settings.checksum(), content, request);
        PutObjectRequest put = request.build();
        for (int attempt = 1; ; attempt++) {
            PutObjectResponse response;
            try {
                // a fresh stream per attempt, over our array: fromBytes would copy the whole object
                response = s3.putObject(put, RequestBody.fromContentProvider(
                        () -> new ByteArrayInputStream(content), content.length, contentType));
            } catch (SdkException | UncheckedIOException e) {
                throw failure("write", fullKey, e);
            }
            if (proof.provenBy(response)) {
                return;
            }
            // another value may be bytes damaged on the way to a store that does not check Content-MD5:
            // writing again replaces them; no value at all will not change
            if (proof.answered(response) == null || attempt == PROOF_ATTEMPTS) {
                throw unproven(fullKey, proof, response);
            }
            log.warn("{} answered {} for {} where {} is {}; writing it again", endpointText(),
                    proof.answered(response), fullKey, settings.checksum().proof(), proof.expected());
        }
    }

    private S3Failure unproven(String fullKey, S3WriteProof proof, PutObjectResponse response) {
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
        return new S3Failure(S3Failure.Kind.UNPROVEN, fullKey, what + "; the write is not acknowledged. "
                + names.checksum() + "=" + mode.value() + " does not work with this store: " + advice(mode), null);
    }

    private String advice(S3Checksum mode) {
        String setting = names.checksum();
        return switch (mode) {
            case MD5 -> "if its ETag is not an MD5 (SSE-KMS, SSE-C), set " + setting + "=crc32c or sha256;"
                    + " if it keeps aws-chunked framing or changes bytes, it cannot hold an archive";
            case CRC32C, SHA256 -> "set " + setting + "=md5 (Content-MD5 and the ETag), which most"
                    + " S3-compatible servers support";
            case TRAILER -> "it does not support aws-chunked uploads with trailing checksums; set"
                    + " " + setting + "=md5";
        };
    }

    /** The SDK's error of {@code op} ("read", "write", "list", "delete") on {@code fullKey}, translated. */
    public S3Failure failure(String op, String fullKey, RuntimeException e) {
        String where = "s3://" + settings.bucket() + "/" + fullKey;
        if (e instanceof NoSuchKeyException) {
            return new S3Failure(S3Failure.Kind.NOT_FOUND, fullKey, where + " does not exist", e);
        }
        if (e instanceof S3Exception s3e) {
            if (s3e.statusCode() == 404) {
                return new S3Failure(S3Failure.Kind.NOT_FOUND, fullKey, where + " does not exist", e);
            }
            String detail = s3e.awsErrorDetails() == null ? "" : " " + s3e.awsErrorDetails().errorMessage();
            if (S3Clients.isBadDigest(e)) {
                return new S3Failure(S3Failure.Kind.DAMAGED, fullKey, "the S3 store at " + endpointText()
                        + " received other bytes for " + where + " than were sent (HTTP 400 BadDigest:" + detail
                        + "): they changed on the way, the write is not acknowledged", e);
            }
            if (s3e.statusCode() >= 500 || s3e.statusCode() == 429) {
                return new S3Failure(S3Failure.Kind.UNAVAILABLE, fullKey,
                        "S3 could not " + op + " " + where + ": HTTP " + s3e.statusCode() + detail, e);
            }
            return new S3Failure(S3Failure.Kind.FAILED, fullKey,
                    "S3 refused to " + op + " " + where + ": HTTP " + s3e.statusCode() + detail, e);
        }
        return new S3Failure(S3Failure.Kind.UNAVAILABLE, fullKey,
                "cannot reach S3 at " + endpointText() + " to " + op + " " + where + ": " + e.getMessage(), e);
    }

    /** The endpoint, for messages: the S3-compatible server's URI, or AWS S3 and the region. */
    public String endpointText() {
        return settings.endpoint().map(Object::toString).orElse("AWS S3 (" + settings.region() + ")");
    }

    @Override
    public void close() {
        s3.close();
    }
}
