package io.stowage.common.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/** Message ids derived from Kafka records. */
public final class KafkaIds {
    private KafkaIds() {}

    /**
     * A deterministic id for the record at (cluster, topic id, partition, offset): a name-based
     * UUID (version 5), so a re-delivered record gets the same id. The topic id, not its name,
     * keeps a deleted and re-created topic from colliding with its predecessor.
     */
    public static String derived(String clusterId, String topicId, int partition, long offset) {
        byte[] name = ("kafka:" + clusterId + "/" + topicId + "/" + partition + "/" + offset)
                .getBytes(StandardCharsets.UTF_8);
        byte[] hash;
        try {
            hash = MessageDigest.getInstance("SHA-1").digest(name);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-1", e);
        }
        hash[6] = (byte) ((hash[6] & 0x0f) | 0x50); // version 5
        hash[8] = (byte) ((hash[8] & 0x3f) | 0x80); // IETF variant
        ByteBuffer b = ByteBuffer.wrap(hash, 0, 16);
        return new UUID(b.getLong(), b.getLong()).toString();
    }

    /** The canonical string of a 16-byte binary UUID (big-endian, as Hopskotch's {@code _id} header holds it). */
    public static String fromBinaryUuid(byte[] bytes) {
        if (bytes == null || bytes.length != 16) {
            throw new IllegalArgumentException("a binary UUID is 16 bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        return new UUID(b.getLong(), b.getLong()).toString();
    }
}
