package io.stowage.common.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.UUID;

/** Message ids derived from Kafka records. */
public final class KafkaIds {
    /**
     * One digest and name buffer per thread: deriving is on the path of every record, where a fresh
     * {@code MessageDigest}, a concatenated name and its UTF-8 copy allocated more than three times
     * the id's own bytes (the SHA-1 itself is most of the CPU time either way).
     */
    private static final ThreadLocal<Deriver> DERIVERS = ThreadLocal.withInitial(Deriver::new);

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private KafkaIds() {}

    /**
     * A deterministic id for the record at (cluster, topic id, partition, offset): a name-based
     * UUID (version 5) of {@code kafka:<cluster>/<topic id>/<partition>/<offset>}, so a
     * re-delivered record gets the same id. The topic id, not its name, keeps a deleted and
     * re-created topic from colliding with its predecessor.
     */
    public static String derived(String clusterId, String topicId, int partition, long offset) {
        return new String(derivedAscii(clusterId, topicId, partition, offset), StandardCharsets.US_ASCII);
    }

    /** {@link #derived} as the 36 ASCII bytes of its canonical text, in a fresh array. */
    public static byte[] derivedAscii(String clusterId, String topicId, int partition, long offset) {
        return DERIVERS.get().derive(clusterId, topicId, partition, offset);
    }

    /** The canonical string of a 16-byte binary UUID (big-endian, as Hopskotch's {@code _id} header holds it). */
    public static String fromBinaryUuid(byte[] bytes) {
        if (bytes == null || bytes.length != 16) {
            throw new IllegalArgumentException("a binary UUID is 16 bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        return new UUID(b.getLong(), b.getLong()).toString();
    }

    /** The canonical text (8-4-4-4-12 lower-case hex digits) of the first 16 bytes of {@code uuid}, as ASCII. */
    static byte[] canonicalAscii(byte[] uuid) {
        byte[] text = new byte[36];
        int t = 0;
        for (int i = 0; i < 16; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                text[t++] = '-';
            }
            text[t++] = HEX[(uuid[i] >> 4) & 0xf];
            text[t++] = HEX[uuid[i] & 0xf];
        }
        return text;
    }

    /** Hashes names for one thread; keeps the encoded {@code kafka:<cluster>/<topic id>/} of the last topic. */
    private static final class Deriver {
        private final MessageDigest sha1;
        private final byte[] hash = new byte[20];
        private byte[] name = new byte[128];
        private String clusterId;
        private String topicId;
        private int prefixLength;

        Deriver() {
            try {
                sha1 = MessageDigest.getInstance("SHA-1");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java runtime has SHA-1", e);
            }
        }

        byte[] derive(String cluster, String topic, int partition, long offset) {
            if (!cluster.equals(clusterId) || !topic.equals(topicId)) {
                byte[] prefix = ("kafka:" + cluster + "/" + topic + "/").getBytes(StandardCharsets.UTF_8);
                // room for the prefix, two signed decimal numbers and a slash
                name = prefix.length + 32 > name.length ? new byte[prefix.length + 32] : name;
                System.arraycopy(prefix, 0, name, 0, prefix.length);
                prefixLength = prefix.length;
                clusterId = cluster;
                topicId = topic;
            }
            int end = appendDecimal(partition, prefixLength);
            name[end++] = '/';
            end = appendDecimal(offset, end);
            sha1.update(name, 0, end);
            try {
                sha1.digest(hash, 0, hash.length);
            } catch (DigestException e) {
                throw new IllegalStateException("a SHA-1 digest is 20 bytes", e);
            }
            hash[6] = (byte) ((hash[6] & 0x0f) | 0x50); // version 5
            hash[8] = (byte) ((hash[8] & 0x3f) | 0x80); // IETF variant
            return canonicalAscii(hash);
        }

        /** Writes {@code value} in decimal (as {@link Long#toString(long)} does) at {@code at}; returns the end. */
        private int appendDecimal(long value, int at) {
            if (value < 0) {
                // never for a consumed record; Long.MIN_VALUE has no positive counterpart, so let the JDK spell it
                byte[] text = Long.toString(value).getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(text, 0, name, at, text.length);
                return at + text.length;
            }
            int digits = 1;
            for (long v = value; v >= 10; v /= 10) {
                digits++;
            }
            int end = at + digits;
            long v = value;
            for (int i = end - 1; i >= at; i--) {
                name[i] = (byte) ('0' + (int) (v % 10));
                v /= 10;
            }
            return end;
        }
    }
}
