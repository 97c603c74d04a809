package io.stowage.server.storage.blob;

import io.stowage.server.storage.error.StorageException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The check at start that a store gives back what it was given: writes a probe object under the
 * store's root or prefix, reads it back whole and as a byte range, compares, and deletes it. A
 * store that keeps other bytes (the {@code aws-chunked} framing of an upload, say) is refused
 * before anything is acknowledged, rather than found by {@code verify} after.
 */
public final class BlobStoreProbe {
    private static final Logger log = LoggerFactory.getLogger(BlobStoreProbe.class);
    /** How probe objects are named, at the top of the store; no segment key starts so, so verify never judges them. */
    static final String NAME = "_stowage-probe-";
    /** Larger than the SDK's aws-chunked chunk (128 KiB), so that framing would show inside the object too. */
    static final int SIZE = 300 * 1024;
    static final int RANGE_OFFSET = 130_000;
    static final int RANGE_LENGTH = 5_000;

    private BlobStoreProbe() {}

    /** Runs the probe; throws {@link StorageException} saying what differs and what to try. */
    public static void check(BlobStore store) {
        byte[] sent = new byte[SIZE];
        new SecureRandom().nextBytes(sent);
        String key = NAME + UUID.randomUUID() + ".bin";
        try {
            store.put(key, sent);
            compare(store, key, "read whole", sent, store.read(key));
            compare(store, key, "read as bytes " + RANGE_OFFSET + "-" + (RANGE_OFFSET + RANGE_LENGTH - 1),
                    Arrays.copyOfRange(sent, RANGE_OFFSET, RANGE_OFFSET + RANGE_LENGTH),
                    store.readRange(key, RANGE_OFFSET, RANGE_LENGTH));
        } catch (StorageException e) {
            throw new StorageException("the start probe of " + store.location() + " failed: " + e.getMessage(), e);
        } finally {
            try {
                store.delete(key);
            } catch (RuntimeException e) {
                log.warn("Could not delete the probe object {} from {}", key, store.location(), e);
            }
        }
        log.info("{} gave back a probe object byte for byte, whole and as a range", store.location());
    }

    private static void compare(BlobStore store, String key, String how, byte[] expected, byte[] actual) {
        int mismatch = Arrays.mismatch(expected, actual);
        if (mismatch < 0) {
            return;
        }
        String s3 = store.location().startsWith("s3://")
                ? " An S3-compatible server that keeps the aws-chunked framing of uploads needs plain uploads:"
                        + " set STOWAGE_S3_CHECKSUM=md5 (not trailer). Check STOWAGE_S3_ENDPOINT and"
                        + " STOWAGE_S3_PATH_STYLE, and that no proxy between them changes bodies."
                : " Check the disk and the file system of the directory.";
        throw new StorageException(store.location() + " gave back other bytes than it was given, so it cannot hold"
                + " an archive and the server does not start: probe object " + key + " (" + expected.length
                + " bytes) " + how + " returned " + actual.length + " bytes, first difference at byte " + mismatch
                + ", beginning '" + printable(actual) + "'." + s3);
    }

    /** The first bytes as text a person can recognise (framing such as {@code 20000;chunk-signature=}). */
    private static String printable(byte[] bytes) {
        String text = new String(bytes, 0, Math.min(bytes.length, 32), StandardCharsets.ISO_8859_1);
        return text.replaceAll("[^\\x20-\\x7e]", ".");
    }
}
