package io.stowage.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.api.v1.Message;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class RecordMapperTest {
    private static final UUID U = UUID.fromString("3426d090-1b8a-4a09-ac9c-41f2de24d5ac");
    private final RecordMapper mapper = new RecordMapper("cluster-1", TypeRule.parseAll("header:ce_type,json:/kind"));

    @Test
    void binaryUuidInIdHeaderBecomesTheId() {
        assertThat(map(headers("_id", bytes(U))).getId()).isEqualTo(U.toString());
    }

    @Test
    void firstValidIdHeaderWinsAndInvalidOnesAreSkipped() {
        RecordHeaders h = headers("_id", "text".getBytes(StandardCharsets.UTF_8));
        h.add("_id", new byte[0]);
        h.add("_id", null);
        h.add("_id", bytes(U));
        h.add("_id", bytes(UUID.randomUUID()));
        assertThat(map(h).getId()).isEqualTo(U.toString());
    }

    @Test
    void withoutAUsableIdHeaderTheCeIdHeaderIsUsedElseADerivedId() {
        assertThat(map(headers("_id", "text".getBytes(StandardCharsets.UTF_8), "ce_id", "evt-7".getBytes(
                StandardCharsets.UTF_8))).getId()).isEqualTo("evt-7");
        Message derived = map(headers("_id", "text".getBytes(StandardCharsets.UTF_8)));
        assertThat(derived.getId()).isEqualTo(KafkaIds.derived("cluster-1", "topic-id", 2, 42));
        assertThat(UUID.fromString(derived.getId()).version()).isEqualTo(5);
        assertThat(KafkaIds.derived("cluster-1", "topic-id", 2, 43)).isNotEqualTo(derived.getId());
    }

    @Test
    void headersKeyValueAndTimestampAreKeptExactly() {
        RecordHeaders h = headers("dup", "1".getBytes(StandardCharsets.UTF_8), "dup", null);
        h.add("empty", new byte[0]);
        ConsumerRecord<byte[], byte[]> rec = new ConsumerRecord<>("orders", 2, 42, 1_700_000_000_000L,
                TimestampType.LOG_APPEND_TIME, 0, 1, new byte[0], new byte[] {1, 2}, h, Optional.empty());

        Message msg = mapper.map(rec, "topic-id");

        assertThat(msg.getKafka().getTopic()).isEqualTo("orders");
        assertThat(msg.getKafka().getPartition()).isEqualTo(2);
        assertThat(msg.getKafka().getOffset()).isEqualTo(42);
        assertThat(msg.getKafka().getTimestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(msg.getKafka().getTimestampType()).isEqualTo(io.stowage.api.v1.TimestampType.TIMESTAMP_TYPE_LOG_APPEND_TIME);
        assertThat(msg.getKafka().hasKey()).isTrue();
        assertThat(msg.getKafka().getKey().size()).isZero();
        assertThat(msg.getKafka().getHeadersList()).extracting(x -> x.getKey(), x -> x.hasValue())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("dup", true),
                        org.assertj.core.groups.Tuple.tuple("dup", false),
                        org.assertj.core.groups.Tuple.tuple("empty", true));
        assertThat(msg.getBinaryData().toByteArray()).containsExactly(1, 2);
        assertThat(msg.getAttributesOrThrow("time").getCeTimestamp().getSeconds()).isEqualTo(1_700_000_000L);
        assertThat(msg.getSource()).isEqualTo("kafka://cluster-1/orders");
        assertThat(msg.getType()).isEqualTo(RecordMapper.DEFAULT_TYPE);
    }

    @Test
    void tombstoneWithNullKeyHasNoDataAndNoKey() {
        ConsumerRecord<byte[], byte[]> rec = new ConsumerRecord<>("t", 0, 1, 5L, TimestampType.CREATE_TIME, -1, -1,
                null, null, new RecordHeaders(), Optional.empty());
        Message msg = mapper.map(rec, "id");
        assertThat(msg.getKafka().getNullValue()).isTrue();
        assertThat(msg.getKafka().hasKey()).isFalse();
        assertThat(msg.getDataCase()).isEqualTo(Message.DataCase.DATA_NOT_SET);
    }

    @Test
    void sourceAndTypeComeFromHeadersThenRules() {
        assertThat(map(headers("ce_source", "urn:x".getBytes(StandardCharsets.UTF_8), "ce_type",
                "t.one".getBytes(StandardCharsets.UTF_8))))
                .extracting(Message::getSource, Message::getType).containsExactly("urn:x", "t.one");
        ConsumerRecord<byte[], byte[]> json = new ConsumerRecord<>("t", 0, 1, 5L, TimestampType.CREATE_TIME, 0, 0,
                null, "{\"kind\":\"alert\"}".getBytes(StandardCharsets.UTF_8), new RecordHeaders(), Optional.empty());
        assertThat(mapper.map(json, "id").getType()).isEqualTo("alert");
    }

    @Test
    void derivedIdKeepsTheAskedForIdAsAnAttribute() {
        Message asked = map(headers("ce_id", "taken".getBytes(StandardCharsets.UTF_8)));
        Message derived = mapper.withDerivedId(asked, "topic-id");
        assertThat(derived.getId()).isEqualTo(KafkaIds.derived("cluster-1", "topic-id", 2, 42));
        assertThat(derived.getAttributesOrThrow(RecordMapper.ORIGINAL_ID_ATTRIBUTE).getCeString()).isEqualTo("taken");
    }

    @Test
    void aTimestampNoArchiveCanPlaceIsKeptButNotUsedAsTheTime() {
        long nanosByMistake = 1_700_000_000_000_000_000L;
        ConsumerRecord<byte[], byte[]> rec = new ConsumerRecord<>("t", 0, 1, nanosByMistake, TimestampType.CREATE_TIME,
                0, 0, null, new byte[] {1}, new RecordHeaders(), Optional.empty());
        Message msg = mapper.map(rec, "id");
        assertThat(msg.getKafka().getTimestamp()).isEqualTo(nanosByMistake);
        assertThat(msg.getAttributesMap()).doesNotContainKey("time");
        java.time.Instant storedAt = java.time.Instant.parse("2024-01-01T00:00:00Z");
        assertThat(io.stowage.common.message.Messages.time(msg, storedAt)).isEqualTo(storedAt);
    }

    @Test
    void headerNamesNoIndexCanHoldFallBackToTheDefaults() {
        Message msg = map(headers("ce_type", "bad\0type".getBytes(StandardCharsets.UTF_8), "ce_source",
                "bad\0source".getBytes(StandardCharsets.UTF_8)));
        assertThat(msg.getType()).isEqualTo(RecordMapper.DEFAULT_TYPE);
        assertThat(msg.getSource()).isEqualTo("kafka://cluster-1/orders");
    }

    @Test
    void badTypeRulesAreExplained() {
        assertThatThrownBy(() -> TypeRule.parseAll("field:type")).hasMessageContaining("header:ce_type");
    }

    private Message map(RecordHeaders headers) {
        return mapper.map(new ConsumerRecord<>("orders", 2, 42, 1000L, TimestampType.CREATE_TIME, 0, 0, null,
                new byte[] {9}, headers, Optional.empty()), "topic-id");
    }

    private static RecordHeaders headers(Object... kv) {
        RecordHeaders h = new RecordHeaders();
        for (int i = 0; i < kv.length; i += 2) {
            h.add(new RecordHeader((String) kv[i], (byte[]) kv[i + 1]));
        }
        return h;
    }

    private static byte[] bytes(UUID u) {
        return ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
    }
}
