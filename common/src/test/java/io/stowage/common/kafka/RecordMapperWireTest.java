package io.stowage.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.api.v1.Message;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** The mapping sends exactly the bytes the plain, record-by-record mapping sends: ids and stored documents stay the same. */
class RecordMapperWireTest {
    private final List<TypeRule> rules = TypeRule.parseAll("header:ce_type,json:/kind");

    @Test
    void everyTestVectorMapsToTheSameBytesAsThePlainMapping() {
        List<ProducerRecord<byte[], byte[]>> sent = TestVectors.generate(List.of("orders", "tópico", "orders.v2"), 3,
                5 * TestVectors.CASES, 17, 1_700_000_000_000L);
        List<ConsumerRecord<byte[], byte[]>> consumed = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            ProducerRecord<byte[], byte[]> p = sent.get(i);
            // every third record shares its neighbour's millisecond, as records of a fast stream do
            long timestamp = i % 3 == 1 ? sent.get(i - 1).timestamp() : p.timestamp();
            consumed.add(new ConsumerRecord<>(p.topic(), p.partition(), 1000L + i, timestamp,
                    i % 2 == 0 ? TimestampType.CREATE_TIME : TimestampType.LOG_APPEND_TIME, 0, 0, p.key(), p.value(),
                    p.headers(), Optional.empty()));
        }
        consumed.add(record("t", new RecordHeaders(), "{\"kind\":\"alert\"}".getBytes(StandardCharsets.UTF_8), 5L));
        consumed.add(record("t", headers("ce_source", "", "ce_source", "urn:last"), new byte[] {1}, -1L));
        consumed.add(record("t", headers("ce_source", "urn:first", "ce_source", ""), new byte[] {1}, 0L));
        consumed.add(record("t", headers("ce_source", "bad\0", "ce_id", "ok", "ce_id", "later"), null,
                1_700_000_000_000_000_000L));
        consumed.add(record("t", headers("ce_id", "", "ce_id", "a\0b", "ce_id", "x".repeat(2000), "ce_id", "fine"),
                new byte[0], Long.MIN_VALUE));

        for (String cluster : List.of("cluster-1", "clüster")) {
            RecordMapper mapper = new RecordMapper(cluster, rules);
            PlainRecordMapping plain = new PlainRecordMapping(cluster, rules);
            for (ConsumerRecord<byte[], byte[]> r : consumed) {
                for (String topicId : List.of("topic-id-1", "topic-id-2")) {
                    Message fast = mapper.map(r, topicId);
                    Message reference = plain.map(r, topicId);
                    assertThat(fast.toByteArray()).as("%s-%d@%d", r.topic(), r.partition(), r.offset())
                            .isEqualTo(reference.toByteArray());
                    assertThat(fast).isEqualTo(reference);
                    assertThat(fast.getSerializedSize()).isEqualTo(reference.getSerializedSize());
                }
            }
        }
    }

    @Test
    void theMessageWrapsTheRecordsValueRatherThanCopyingIt() {
        byte[] value = {1, 2, 3};
        Message msg = new RecordMapper("c", List.of()).map(record("t", new RecordHeaders(), value, 5L), "id");
        value[0] = 9; // only to show the sharing: the worker never changes a record's arrays
        assertThat(msg.getBinaryData().byteAt(0)).isEqualTo((byte) 9);
    }

    private static ConsumerRecord<byte[], byte[]> record(String topic, RecordHeaders headers, byte[] value, long ts) {
        return new ConsumerRecord<>(topic, 4, 77, ts, TimestampType.CREATE_TIME, 0, 0, "k".getBytes(
                StandardCharsets.UTF_8), value, headers, Optional.empty());
    }

    private static RecordHeaders headers(String... kv) {
        RecordHeaders h = new RecordHeaders();
        for (int i = 0; i < kv.length; i += 2) {
            h.add(kv[i], kv[i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return h;
    }
}
