package io.stowage.s3;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;
import java.util.zip.Checksum;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * The checksum of one PUT in the chosen {@link S3Checksum} mode: computed here from the bytes
 * sent, attached to the request, and compared with what the store answers.
 */
final class S3WriteProof {
    private final S3Checksum mode;
    private final String expected;

    private S3WriteProof(S3Checksum mode, String expected) {
        this.mode = mode;
        this.expected = expected;
    }

    /** Computes the checksum of {@code content} and attaches it to {@code request}. */
    static S3WriteProof attach(S3Checksum mode, byte[] content, PutObjectRequest.Builder request) {
        try {
            return attach(mode, () -> new ByteArrayInputStream(content), request);
        } catch (IOException e) {
            throw new UncheckedIOException("reading an array cannot fail", e);
        }
    }

    /** Computes the checksum of what {@code content} reads and attaches it to {@code request}. */
    static S3WriteProof attach(S3Checksum mode, Content content, PutObjectRequest.Builder request) throws IOException {
        return switch (mode) {
            case MD5 -> {
                byte[] md5 = digest("MD5", content);
                request.contentMD5(Base64.getEncoder().encodeToString(md5));
                yield new S3WriteProof(mode, HexFormat.of().formatHex(md5));
            }
            case CRC32C -> {
                String value = checksum(new CRC32C(), content);
                request.checksumCRC32C(value);
                yield new S3WriteProof(mode, value);
            }
            case SHA256 -> {
                String value = Base64.getEncoder().encodeToString(digest("SHA-256", content));
                request.checksumSHA256(value);
                yield new S3WriteProof(mode, value);
            }
            case AUTO -> throw new IllegalArgumentException("auto is settled by S3Bucket before a write is proven");
            case TRAILER -> {
                // the SDK computes the CRC32 itself and sends it after the body; we check the echo
                request.checksumAlgorithm(ChecksumAlgorithm.CRC32);
                yield new S3WriteProof(mode, checksum(new CRC32(), content));
            }
        };
    }

    /** The bytes to write, read once here for the checksum and again by the SDK to send them. */
    @FunctionalInterface
    interface Content {
        InputStream open() throws IOException;
    }

    /** The kind of checksum sent. */
    S3Checksum mode() {
        return mode;
    }

    /** The value the store must answer. */
    String expected() {
        return expected;
    }

    /** What the store answered in place of our checksum; null when it answered none. */
    String answered(PutObjectResponse response) {
        String value = switch (mode) {
            case MD5 -> response.eTag() == null ? null : response.eTag().replace("\"", "").toLowerCase(Locale.ROOT);
            case CRC32C -> response.checksumCRC32C();
            case SHA256 -> response.checksumSHA256();
            case TRAILER -> response.checksumCRC32();
            case AUTO -> null;
        };
        return value == null || value.isBlank() ? null : value;
    }

    /** Whether the store's answer proves it holds the bytes sent. */
    boolean provenBy(PutObjectResponse response) {
        return expected.equals(answered(response));
    }

    private static byte[] digest(String algorithm, Content content) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every Java runtime", e);
        }
        read(content, digest::update);
        return digest.digest();
    }

    /** A 32-bit checksum, big-endian, base64: the form of S3's {@code x-amz-checksum-crc32[c]}. */
    private static String checksum(Checksum checksum, Content content) throws IOException {
        read(content, checksum::update);
        return Base64.getEncoder().encodeToString(ByteBuffer.allocate(4).putInt((int) checksum.getValue()).array());
    }

    private interface Chunks {
        void update(byte[] buffer, int offset, int length);
    }

    private static void read(Content content, Chunks into) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = content.open()) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                into.update(buffer, 0, n);
            }
        }
    }
}
