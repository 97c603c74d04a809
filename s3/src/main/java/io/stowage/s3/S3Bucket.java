package io.stowage.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

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
    /** The proof in use: the setting's, or with {@link S3Checksum#AUTO} what the store's first answer showed. */
    private final AtomicReference<S3Checksum> proof;

    public S3Bucket(S3Client s3, S3Settings settings, S3SettingNames names) {
        this.s3 = s3;
        this.settings = settings;
        this.names = names;
        this.proof = new AtomicReference<>(settings.checksum());
    }

    /** The bucket of {@code settings}, with credentials from the AWS default chain (environment, profile, web identity, instance role). */
    public static S3Bucket open(S3Settings settings, S3SettingNames names) {
        return new S3Bucket(S3Clients.create(settings, DefaultCredentialsProvider.builder().build(), List.of()),
                settings, names);
    }

    /** The bucket of {@code settings}, signing with a fixed access key. */
    public static S3Bucket open(S3Settings settings, S3SettingNames names, String accessKey, String secretKey) {
        return new S3Bucket(S3Clients.create(settings,
                StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)), List.of()),
                settings, names);
    }

    /** A key and its size, as a listing gives them. */
    public record Entry(String key, long size) {}

    public S3Settings settings() {
        return settings;
    }

    /** How writes are proven now: the setting, or with {@code auto}, AUTO until the first write settles it. */
    public S3Checksum proofInUse() {
        return proof.get();
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
            if (e.getMessage() != null && e.getMessage().startsWith("Unable to load credentials")) {
                throw new S3Failure(S3Failure.Kind.UNAVAILABLE, "", "no credentials for S3 at " + endpointText()
                        + ": set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or use a profile, web identity or an"
                        + " instance role (" + e.getMessage() + ")", e);
            }
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
        try {
            // a fresh stream per attempt, over our array: fromBytes would copy the whole object
            put(fullKey, content.length, contentType, () -> new ByteArrayInputStream(content),
                    () -> RequestBody.fromContentProvider(() -> new ByteArrayInputStream(content), content.length,
                            contentType));
        } catch (IOException e) {
            throw new UncheckedIOException("reading an array cannot fail", e);
        }
    }

    /** Writes the file {@code file} to {@code fullKey}, proven as {@link #put(String, byte[], String)}; streamed, not held in memory. */
    public void put(String fullKey, Path file, String contentType) throws IOException {
        put(fullKey, Files.size(file), contentType, () -> Files.newInputStream(file), () -> RequestBody.fromFile(file));
    }

    private void put(String fullKey, long length, String contentType, S3WriteProof.Content content,
            Supplier<RequestBody> body) throws IOException {
        S3Checksum mode = proof.get();
        if (mode != S3Checksum.AUTO) {
            putProven(fullKey, length, contentType, content, body, mode, false);
            return;
        }
        // auto: a trial with CRC32C; what the store does with it decides every later write, once proven
        PutObjectResponse answer;
        try {
            answer = putProven(fullKey, length, contentType, content, body, S3Checksum.CRC32C, true);
        } catch (S3Failure f) {
            if (!refusesChecksumHeaders(f)) {
                throw f;
            }
            log.debug("{} refused a write with x-amz-checksum-crc32c", endpointText(), f);
            settleOnMd5(fullKey, length, contentType, content, body,
                    "refuses x-amz-checksum-crc32c (" + f.getMessage() + ")", f);
            return;
        }
        if (answer != null) {
            settle(S3Checksum.CRC32C, "echoes x-amz-checksum-crc32c");
            return;
        }
        settleOnMd5(fullKey, length, contentType, content, body, "does not echo x-amz-checksum-crc32c", null);
    }

    /**
     * The write again, proven by MD5, after the trial of {@code auto} showed CRC32C does not serve;
     * once it is proven, MD5 proves every later write. Should MD5 not prove it either, the error
     * says both, for the setting the operator chose.
     */
    private void settleOnMd5(String fullKey, long length, String contentType, S3WriteProof.Content content,
            Supplier<RequestBody> body, String trialShowed, S3Failure trial) throws IOException {
        try {
            putProven(fullKey, length, contentType, content, body, S3Checksum.MD5, false);
        } catch (S3Failure md5) {
            if (trial != null) {
                md5.addSuppressed(trial);
            }
            if (md5.kind() != S3Failure.Kind.UNPROVEN) {
                throw md5;
            }
            throw new S3Failure(S3Failure.Kind.UNPROVEN, fullKey, names.checksum() + "=auto: the store at "
                    + endpointText() + " " + trialShowed + ", and the write proven by Content-MD5 instead failed too: "
                    + md5.getMessage(), md5);
        }
        settle(S3Checksum.MD5, trialShowed);
    }

    private PutObjectResponse putProven(String fullKey, long length, String contentType, S3WriteProof.Content content,
            Supplier<RequestBody> body, S3Checksum mode, boolean trial) throws IOException {
        PutObjectRequest.Builder request = request(fullKey, length, contentType);
        S3WriteProof attached = S3WriteProof.attach(mode, content, request);
        return put(request.build(), attached, body, trial);
    }

    /**
     * Whether the store refused the request for its checksum header: a store that does not know
     * additional checksums may refuse the header rather than ignore it, with 501 NotImplemented (the
     * answer S3 gives for a header of unsupported functionality) or a 400 that names the checksum.
     * Other refusals (credentials, a bad key) are the store's answer to any write and stay errors.
     */
    private static boolean refusesChecksumHeaders(S3Failure f) {
        if (!(f.getCause() instanceof S3Exception e)) {
            return false;
        }
        String code = e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
        if (e.statusCode() == 501 || code.equals("NotImplemented")) {
            return true;
        }
        String message = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
        return e.statusCode() == 400 && (code.equals("InvalidArgument") || code.equals("InvalidRequest"))
                && message.contains("checksum");
    }

    /** With {@code auto}: the proof every later write uses, logged once with what the store showed. */
    private void settle(S3Checksum found, String because) {
        if (proof.compareAndSet(S3Checksum.AUTO, found)) {
            log.info("{} {}: writes are proven by {}", endpointText(), because,
                    found == S3Checksum.CRC32C ? "CRC32C checksums" : "Content-MD5 and the ETag");
        }
    }

    /**
     * Whether {@code fullKey} already holds exactly the bytes of {@code file}, as the store's ETag
     * (an MD5) proves. Only with {@link S3Checksum#MD5}: otherwise false, and the caller writes.
     */
    public boolean holds(String fullKey, Path file) throws IOException {
        if (settings.checksum() != S3Checksum.MD5) {
            return false;
        }
        HeadObjectResponse head = head(fullKey);
        if (head == null) {
            return false;
        }
        PutObjectRequest.Builder ignored = PutObjectRequest.builder();
        S3WriteProof proof = S3WriteProof.attach(S3Checksum.MD5, () -> Files.newInputStream(file), ignored);
        return head.contentLength() == Files.size(file) && head.eTag() != null
                && proof.expected().equals(head.eTag().replace("\"", "").toLowerCase(Locale.ROOT));
    }

    private PutObjectRequest.Builder request(String fullKey, long length, String contentType) {
        return PutObjectRequest.builder()
                .bucket(settings.bucket()).key(fullKey).contentLength(length)
                .contentType(contentType);
    }

    /**
     * Writes until the answer proves the write; returns the answer, or null when the write was a
     * trial of {@code auto} and the store answered without any checksum (it does not know them).
     */
    private PutObjectResponse put(PutObjectRequest put, S3WriteProof proof, Supplier<RequestBody> body,
            boolean trial) {
        String fullKey = put.key();
        for (int attempt = 1; ; attempt++) {
            PutObjectResponse response;
            try {
                response = s3.putObject(put, body.get());
            } catch (SdkException | UncheckedIOException e) {
                throw failure("write", fullKey, e);
            }
            if (proof.provenBy(response)) {
                return response;
            }
            if (trial && proof.answered(response) == null) {
                return null;
            }
            // another value may be bytes damaged on the way to a store that does not check Content-MD5:
            // writing again replaces them; no value at all will not change
            if (proof.answered(response) == null || attempt == PROOF_ATTEMPTS) {
                throw unproven(fullKey, proof, response);
            }
            log.warn("{} answered {} for {} where {} is {}; writing it again", endpointText(),
                    proof.answered(response), fullKey, proof.mode().proof(), proof.expected());
        }
    }

    private S3Failure unproven(String fullKey, S3WriteProof proof, PutObjectResponse response) {
        String store = "the S3 store at " + endpointText() + " (bucket '" + settings.bucket() + "')";
        String answered = proof.answered(response);
        S3Checksum mode = proof.mode();
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
            case CRC32C, SHA256, AUTO -> "set " + setting + "=md5 (Content-MD5 and the ETag), which most"
                    + " S3-compatible servers support";
            case TRAILER -> "it does not support aws-chunked uploads with trailing checksums; set"
                    + " " + setting + "=md5";
        };
    }

    /** Every object whose full key starts with {@code fullPrefix}, in key order. */
    public void list(String fullPrefix, Consumer<Entry> action) {
        try {
            s3.listObjectsV2Paginator(ListObjectsV2Request.builder()
                            .bucket(settings.bucket()).prefix(fullPrefix).build())
                    .contents()
                    .forEach((S3Object o) -> action.accept(new Entry(o.key(), o.size())));
        } catch (SdkException | UncheckedIOException e) {
            throw failure("list", fullPrefix, e);
        }
    }

    /** The whole object at {@code fullKey}. */
    public byte[] get(String fullKey) {
        try {
            return s3.getObjectAsBytes(GetObjectRequest.builder().bucket(settings.bucket()).key(fullKey).build())
                    .asByteArray();
        } catch (SdkException | UncheckedIOException e) {
            throw failure("read", fullKey, e);
        }
    }

    /**
     * {@code length} bytes of {@code fullKey} from {@code offset}, by a ranged GET; a store that
     * answers more than the range is cut to it, one that answers less fails.
     */
    public byte[] getRange(String fullKey, long offset, int length) {
        String range = "bytes=" + offset + "-" + (offset + length - 1);
        ResponseBytes<GetObjectResponse> answer;
        try {
            answer = s3.getObjectAsBytes(GetObjectRequest.builder().bucket(settings.bucket()).key(fullKey).range(range)
                    .build());
        } catch (SdkException | UncheckedIOException e) {
            throw failure("read", fullKey, e);
        }
        byte[] bytes = RangeAnswer.requestedPart(answer.asByteArray(), offset, length, answer.response().contentRange());
        if (bytes.length != length) {
            throw new S3Failure(S3Failure.Kind.FAILED, fullKey, "range " + range + " of s3://" + settings.bucket() + "/"
                    + fullKey + " returned " + bytes.length + " bytes", null);
        }
        return bytes;
    }

    /**
     * The size of the object at {@code fullKey} (a HEAD), or -1 when there is none or the store
     * does not say: for counting, not for proof. A refusal (a store without {@code s3:ListBucket}
     * answers 403 for a missing key) is taken as not knowing; a store that cannot answer fails.
     */
    public long size(String fullKey) {
        try {
            HeadObjectResponse head = head(fullKey);
            return head == null || head.contentLength() == null ? -1 : head.contentLength();
        } catch (S3Failure e) {
            if (e.kind() == S3Failure.Kind.FAILED) {
                return -1;
            }
            throw e;
        }
    }

    /** The object's metadata, or null when there is none. */
    private HeadObjectResponse head(String fullKey) {
        try {
            return s3.headObject(b -> b.bucket(settings.bucket()).key(fullKey));
        } catch (NoSuchKeyException e) {
            return null;
        } catch (SdkException | UncheckedIOException e) {
            S3Failure f = failure("look up", fullKey, e);
            if (f.kind() == S3Failure.Kind.NOT_FOUND) {
                return null;
            }
            throw f;
        }
    }

    /** Deletes {@code fullKey}; an object already gone is no failure. */
    public void delete(String fullKey) {
        try {
            s3.deleteObject(b -> b.bucket(settings.bucket()).key(fullKey));
        } catch (NoSuchKeyException e) {
            // already gone
        } catch (SdkException | UncheckedIOException e) {
            throw failure("delete", fullKey, e);
        }
    }

    /** The SDK's error of {@code op} ("read", "look up", "write", "list", "delete") on {@code fullKey}, translated. */
    S3Failure failure(String op, String fullKey, RuntimeException e) {
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
