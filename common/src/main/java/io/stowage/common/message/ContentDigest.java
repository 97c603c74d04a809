package io.stowage.common.message;

import io.stowage.api.v1.Message;
import io.stowage.common.bson.MessageCodec;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * A fingerprint of what the producer sent (see {@link MessageCodec#encodeContent}): two messages
 * with the same id and the same digest are the same message; the same id with another digest is
 * a conflict. The first 16 bytes of SHA-256: collisions stay out of reach and the index stays small.
 */
public final class ContentDigest {
    public static final int LENGTH = 16;

    private ContentDigest() {}

    public static byte[] of(Message msg) {
        return Arrays.copyOf(sha256().digest(MessageCodec.encodeContent(msg)), LENGTH);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
