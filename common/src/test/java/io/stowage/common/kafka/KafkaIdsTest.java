package io.stowage.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class KafkaIdsTest {

    @Test
    void derivedIdOfAKnownRecordNeverChanges() {
        // SHA-1 of "kafka:cluster-1/topic-id/2/42", version and variant bits set; archives hold ids like it
        assertThat(KafkaIds.derived("cluster-1", "topic-id", 2, 42)).isEqualTo("8b28d30b-be4e-59bc-81b8-ec478f465552");
        assertThat(UUID.fromString(KafkaIds.derived("cluster-1", "topic-id", 2, 42)).version()).isEqualTo(5);
    }

    @Test
    void derivedIdsMatchTheirDefinitionForEveryKindOfInput() {
        List<String> clusters = List.of("", "c", "MkU3OEVBNTcwNTJENDM2Qk", "clüster/ü-€", "x".repeat(300));
        List<String> topics = List.of("", "t", "Ab3_xYz-QmWwZ1a2b3c4dA", "tópic/€", "y".repeat(200));
        long[] offsets = {0, 1, 9, 10, 99, 100, 12345, 999_999_999_999L, Long.MAX_VALUE, -1, Long.MIN_VALUE};
        int[] partitions = {0, 1, 9, 10, 5999, Integer.MAX_VALUE, -1, Integer.MIN_VALUE};
        // alternate topics and clusters so that the cached name prefix is replaced, including by a longer one
        for (long offset : offsets) {
            for (int partition : partitions) {
                for (String cluster : clusters) {
                    for (String topic : topics) {
                        assertThat(KafkaIds.derived(cluster, topic, partition, offset))
                                .as("%s %s %d %d", cluster, topic, partition, offset)
                                .isEqualTo(plainDerived(cluster, topic, partition, offset));
                    }
                }
            }
        }
    }

    @Test
    void derivedIdsMatchTheirDefinitionOnRandomOffsetsAndOnOtherThreads() throws Exception {
        Random random = new Random(11);
        for (int i = 0; i < 10_000; i++) {
            long offset = random.nextLong() >>> random.nextInt(64);
            int partition = random.nextInt(1000);
            assertThat(KafkaIds.derived("cluster", "topic", partition, offset))
                    .isEqualTo(plainDerived("cluster", "topic", partition, offset));
        }
        // on another thread (its own digest): a failed assertion there fails this test through get()
        java.util.concurrent.FutureTask<Void> other = new java.util.concurrent.FutureTask<>(() -> {
            for (int i = 0; i < 1000; i++) {
                assertThat(KafkaIds.derived("other", "topic", 1, i)).isEqualTo(plainDerived("other", "topic", 1, i));
            }
            return null;
        });
        new Thread(other).start();
        other.get();
        assertThat(KafkaIds.derived("cluster", "topic", 3, 7)).isEqualTo(plainDerived("cluster", "topic", 3, 7));
    }

    @Test
    void derivedAsciiIsTheTextOfTheId() {
        assertThat(new String(KafkaIds.derivedAscii("c", "t", 1, 2), StandardCharsets.US_ASCII))
                .isEqualTo(KafkaIds.derived("c", "t", 1, 2));
    }

    @Test
    void canonicalTextOfBinaryUuidsIsTheJdksText() {
        Random random = new Random(3);
        for (int i = 0; i < 1000; i++) {
            UUID u = new UUID(random.nextLong(), random.nextLong());
            byte[] bytes = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits())
                    .array();
            assertThat(new String(KafkaIds.canonicalAscii(bytes), StandardCharsets.US_ASCII)).isEqualTo(u.toString());
            assertThat(KafkaIds.fromBinaryUuid(bytes)).isEqualTo(u.toString());
        }
    }

    /** The definition of a derived id, written plainly: the reference the fast path must match byte for byte. */
    private static String plainDerived(String clusterId, String topicId, int partition, long offset) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-1").digest(
                    ("kafka:" + clusterId + "/" + topicId + "/" + partition + "/" + offset).getBytes(StandardCharsets.UTF_8));
            hash[6] = (byte) ((hash[6] & 0x0f) | 0x50);
            hash[8] = (byte) ((hash[8] & 0x3f) | 0x80);
            ByteBuffer b = ByteBuffer.wrap(hash, 0, 16);
            return new UUID(b.getLong(), b.getLong()).toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
