package io.stowage.common.kafka;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Kafka records that exercise everything an exact archive must keep: binary, null and empty keys,
 * tombstones and empty values, duplicate header keys, null and empty header values, arbitrary
 * bytes, a value near the broker's size limit, and every {@code _id} header case (a valid 16-byte
 * UUID, text, empty, null, several with the first valid one winning) and {@code ce_id}.
 * Deterministic for a seed, so a check can regenerate what was sent.
 */
public final class TestVectors {
    /** Size of the one large value in a set. */
    public static final int LARGE_VALUE_BYTES = 900 * 1024;
    /** How many different cases a set cycles through. */
    public static final int CASES = 12;

    private TestVectors() {}

    /**
     * {@code count} records spread over {@code topics} and {@code partitions} partitions each;
     * record 0 carries the large value. Timestamps are explicit (CreateTime), a second apart.
     */
    public static List<ProducerRecord<byte[], byte[]>> generate(List<String> topics, int partitions, int count,
            long seed, long baseTimestamp) {
        Random random = new Random(seed);
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String topic = topics.get(i % topics.size());
            int partition = (i / topics.size()) % partitions;
            RecordHeaders headers = new RecordHeaders();
            byte[] key = bytes(random, 16);
            byte[] value = bytes(random, 16 + random.nextInt(2048));
            switch (i % CASES) {
                case 0 -> headers.add("_id", uuid(random));
                case 1 -> {
                    key = null;
                    headers.add("_id", "text".getBytes(StandardCharsets.UTF_8));
                }
                case 2 -> {
                    key = new byte[0];
                    headers.add("_id", new byte[0]);
                }
                case 3 -> {
                    value = null; // tombstone
                    headers.add("_id", uuid(random));
                }
                case 4 -> {
                    headers.add("dup", "first".getBytes(StandardCharsets.UTF_8));
                    headers.add("null", null);
                    headers.add("dup", "second".getBytes(StandardCharsets.UTF_8));
                    headers.add("empty", new byte[0]);
                    headers.add("dup", bytes(random, 7));
                }
                case 5 -> {
                    headers.add("_id", "text".getBytes(StandardCharsets.UTF_8));
                    headers.add("_id", uuid(random)); // the first valid one wins
                    headers.add("_id", uuid(random));
                }
                case 6 -> headers.add("_id", null);
                case 7 -> {
                    value = new byte[256];
                    for (int b = 0; b < value.length; b++) {
                        value[b] = (byte) b; // every byte value, zeros included
                    }
                }
                case 8 -> headers.add("ce_id", ("evt-" + seed + "-" + i).getBytes(StandardCharsets.UTF_8));
                case 9 -> value = new byte[0];
                case 10 -> {
                    key = null;
                    value = null;
                    headers.add("bin", bytes(random, 32));
                }
                default -> headers.add("ce_type", "vector.case".getBytes(StandardCharsets.UTF_8));
            }
            if (i == 0) {
                value = bytes(random, LARGE_VALUE_BYTES);
            }
            records.add(new ProducerRecord<>(topic, partition, baseTimestamp + i * 1000L, key, value, headers));
        }
        return records;
    }

    private static byte[] uuid(Random random) {
        UUID u = new UUID(random.nextLong(), random.nextLong());
        return ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
    }

    private static byte[] bytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
