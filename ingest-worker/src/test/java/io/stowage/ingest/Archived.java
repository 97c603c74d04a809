package io.stowage.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.api.v1.Message;
import io.stowage.api.v1.TimestampType;
import io.stowage.common.kafka.KafkaIds;
import io.stowage.common.kafka.RecordMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;

/** Checks that an archived message is, field by field, the record that was produced. */
final class Archived {
    private Archived() {}

    /** A produced record and where Kafka put it. */
    record Sent(ProducerRecord<byte[], byte[]> record, RecordMetadata meta) {}

    static Map<String, Message> byPosition(List<Message> messages) {
        Map<String, Message> map = new HashMap<>();
        for (Message m : messages) {
            String pos = m.getKafka().getPartition() + "@" + m.getKafka().getOffset();
            assertThat(map.put(pos, m)).as("two archived messages for %s/%s", m.getKafka().getTopic(), pos).isNull();
        }
        return map;
    }

    static void assertExact(Sent sent, Message stored, String clusterId, String topicId) {
        ProducerRecord<byte[], byte[]> r = sent.record();
        String where = r.topic() + "-" + sent.meta().partition() + "@" + sent.meta().offset();
        var k = stored.getKafka();
        assertThat(k.getTopic()).as(where).isEqualTo(r.topic());
        assertThat(k.getTimestamp()).as(where + " timestamp").isEqualTo(r.timestamp());
        assertThat(k.getTimestampType()).as(where).isEqualTo(TimestampType.TIMESTAMP_TYPE_CREATE_TIME);
        if (r.key() == null) {
            assertThat(k.hasKey()).as(where + " null key").isFalse();
        } else {
            assertThat(k.getKey().toByteArray()).as(where + " key").isEqualTo(r.key());
        }
        if (r.value() == null) {
            assertThat(k.getNullValue()).as(where + " tombstone").isTrue();
            assertThat(stored.getDataCase()).as(where).isEqualTo(Message.DataCase.DATA_NOT_SET);
        } else {
            assertThat(k.getNullValue()).as(where).isFalse();
            assertThat(stored.getBinaryData().toByteArray()).as(where + " value").isEqualTo(r.value());
        }
        List<String> sentHeaders = new ArrayList<>();
        for (Header h : r.headers()) {
            sentHeaders.add(h.key() + "=" + (h.value() == null ? "<null>" : java.util.HexFormat.of().formatHex(h.value())));
        }
        List<String> storedHeaders = new ArrayList<>();
        for (var h : k.getHeadersList()) {
            storedHeaders.add(h.getKey() + "=" + (h.hasValue() ? java.util.HexFormat.of().formatHex(h.getValue().toByteArray())
                    : "<null>"));
        }
        assertThat(storedHeaders).as(where + " headers").containsExactlyElementsOf(sentHeaders);
        String expectedId = RecordMapper.requestedId(r.headers())
                .orElse(KafkaIds.derived(clusterId, topicId, sent.meta().partition(), sent.meta().offset()));
        assertThat(stored.getId()).as(where + " id").isEqualTo(expectedId);
    }
}
