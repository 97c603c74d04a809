package io.stowage.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.api.v1.Message;
import io.stowage.client.StowageException;
import io.stowage.common.kafka.RecordMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** BatchSender's handling of the server's answers, against an in-memory PutBatch. */
class BatchSenderTest {
    static final String TOPIC_ID = "6b0f1e52-0000-4000-8000-0000000000aa";
    static final TopicPartition TP = new TopicPartition("alerts", 0);

    final RecordMapper mapper = new RecordMapper("test-cluster", List.of());
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    final Logger senderLog = (Logger) LoggerFactory.getLogger(BatchSender.class);
    BatchSender sender;

    @BeforeEach
    void captureLog() {
        logged.start();
        senderLog.addAppender(logged);
    }

    @AfterEach
    void tearDown() {
        senderLog.detachAppender(logged);
        if (sender != null) {
            sender.close();
        }
    }

    @Test
    void aBatchTheServerTakesIsStoredInOneCall() throws Exception {
        FakePutBatch server = new FakePutBatch(m -> false);
        Batch batch = batch("a", "b", "c");

        assertThat(send(server, batch)).isTrue();

        assertThat(server.callSizes).containsExactly(3);
        assertThat(server.stored.keySet()).containsExactly("a", "b", "c");
        assertThat(registry.get("stowage.ingest.records.stored").tag("topic", "alerts").counter().count()).isEqualTo(3);
        assertThat(registry.get("stowage.ingest.stored").counter().count()).isEqualTo(batch.bytes);
    }

    @Test
    void invalidRecordsAreFoundBySplittingAndOnlyTheyAreSkipped() throws Exception {
        FakePutBatch server = new FakePutBatch(m -> m.getId().startsWith("bad"));

        boolean stored = send(server, batch("a", "bad1", "b", "c", "d", "bad2", "e", "f"));

        assertThat(stored).as("skipped records do not hold the batch back").isTrue();
        assertThat(server.stored.keySet()).containsExactlyInAnyOrder("a", "b", "c", "d", "e", "f");
        assertThat(registry.get("stowage.ingest.records.invalid").counter().count()).isEqualTo(2);
        assertThat(server.callSizes).as("a bisection, not one call per record").hasSizeLessThan(16);
        assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.ERROR)
                .extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(m -> assertThat(m).contains("alerts-0@1", "'bad1'", "STOWAGE_MAX_MESSAGE_BYTES"));
    }

    @Test
    void aRecordWhoseIdIsTakenByOtherContentIsStoredUnderItsKafkaDerivedId() throws Exception {
        FakePutBatch server = new FakePutBatch(m -> false);
        server.putBatch(List.of(storedBefore("taken")));

        assertThat(send(server, batch("fresh", "taken"))).isTrue();

        String derived = mapper.derivedId(record(1, "taken"), TOPIC_ID);
        assertThat(server.stored).containsKeys("fresh", "taken", derived);
        Message renamed = server.stored.get(derived);
        assertThat(renamed.getAttributesOrThrow(RecordMapper.ORIGINAL_ID_ATTRIBUTE).getCeString()).isEqualTo("taken");
        assertThat(renamed.getKafka().getOffset()).isEqualTo(1);
        assertThat(registry.get("stowage.ingest.conflicts").counter().count()).isEqualTo(1);
    }

    @Test
    void whenTheDerivedIdIsTakenTooADigestOfTheContentIsAppended() throws Exception {
        FakePutBatch server = new FakePutBatch(m -> false);
        String derived = mapper.derivedId(record(0, "x"), TOPIC_ID);
        for (String id : List.of("x", derived)) {
            server.putBatch(List.of(storedBefore(id)));
        }

        assertThat(send(server, batch("x"))).isTrue();

        assertThat(server.stored.keySet()).anySatisfy(id -> assertThat(id).startsWith(derived + "-").hasSize(
                derived.length() + 1 + 16));
        assertThat(registry.get("stowage.ingest.conflicts").counter().count()).isEqualTo(2);
    }

    @Test
    void renamedRecordsAreLoggedOncePerBatchWithACountAndAnExample() throws Exception {
        FakePutBatch server = new FakePutBatch(m -> false);
        for (String id : List.of("r1", "r2", "r3")) {
            server.putBatch(List.of(storedBefore(id)));
        }

        assertThat(send(server, batch("r1", "r2", "r3", "new"))).isTrue();

        List<String> infos = logged.list.stream().filter(e -> e.getLevel() == Level.INFO)
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(infos).hasSize(1);
        assertThat(infos.get(0)).contains("3 records of a batch of 4", "id 'r1' of record alerts-0@0 is stored as '");
        assertThat(registry.get("stowage.ingest.conflicts").counter().count()).isEqualTo(3);
    }

    @Test
    void aBatchWhoseRetriesAreInterruptedIsGivenUpSoItsRecordsAreConsumedAgain() throws Exception {
        PutBatchCall stopping = msgs -> {
            throw new StowageException("PutBatch interrupted while waiting to retry", Status.Code.UNAVAILABLE, null);
        };

        assertThat(send(stopping, batch("a"))).isFalse();
        assertThat(registry.find("stowage.ingest.records.stored").counter()).isNull();
    }

    @Test
    void storedRecordsAreCountedPerTopicOfABatchThatMixesTopics() throws Exception {
        Batch batch = batch("a", "b");
        TopicPartition other = new TopicPartition("orders", 3);
        for (int offset = 0; offset < 3; offset++) {
            byte[] value = {(byte) offset};
            Message m = mapper.map(new ConsumerRecord<>(other.topic(), other.partition(), offset, 1_700_000_000_000L,
                    TimestampType.CREATE_TIME, 0, 1, null, value, new RecordHeaders(), Optional.empty()), TOPIC_ID);
            batch.add(m, TOPIC_ID, other, offset, m.getSerializedSize());
        }
        batch.add(mapper.map(record(2, "c"), TOPIC_ID), TOPIC_ID, TP, 2, 10);

        assertThat(send(new FakePutBatch(m -> false), batch)).isTrue();

        assertThat(registry.get("stowage.ingest.records.stored").tag("topic", "alerts").counter().count()).isEqualTo(3);
        assertThat(registry.get("stowage.ingest.records.stored").tag("topic", "orders").counter().count()).isEqualTo(3);
    }

    /** Sends {@code batch} and waits for its outcome: whether it counts as stored. */
    private boolean send(PutBatchCall server, Batch batch) throws Exception {
        sender = new BatchSender(server, mapper, new IngestMetrics(registry), 2);
        CompletableFuture<Boolean> outcome = new CompletableFuture<>();
        sender.send(batch, (b, stored) -> outcome.complete(stored));
        return outcome.get(10, TimeUnit.SECONDS);
    }

    /** A message stored earlier under {@code id}, with other content than the records here. */
    private static Message storedBefore(String id) {
        return Message.newBuilder().setId(id).setBinaryData(ByteString.copyFromUtf8("stored earlier")).build();
    }

    /** A batch of records of alerts-0 at offsets 0, 1, ... asking for these ids. */
    private Batch batch(String... ids) {
        Batch batch = new Batch(0);
        for (int offset = 0; offset < ids.length; offset++) {
            Message m = mapper.map(record(offset, ids[offset]), TOPIC_ID);
            batch.add(m, TOPIC_ID, TP, offset, m.getSerializedSize());
        }
        return batch;
    }

    private static ConsumerRecord<byte[], byte[]> record(long offset, String id) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("ce_id", id.getBytes(StandardCharsets.UTF_8));
        byte[] value = ("value of " + id).getBytes(StandardCharsets.UTF_8);
        return new ConsumerRecord<>(TP.topic(), TP.partition(), offset, 1_700_000_000_000L, TimestampType.CREATE_TIME,
                0, value.length, null, value, headers, Optional.empty());
    }
}
