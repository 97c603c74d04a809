package io.stowage.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.api.v1.Message;
import io.stowage.client.StowageClient;
import io.stowage.common.config.SettingsSource;
import io.stowage.common.kafka.RecordMapper;
import io.stowage.common.kafka.TestVectors;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** The worker against a real broker and a real api-server. */
class IngestWorkerTest {
    @TempDir
    Path dataDir;
    ArchiveForTests archive;
    String prefix;
    List<IngestService> workers = new ArrayList<>();

    @BeforeEach
    void setUp(TestInfo info) throws Exception {
        prefix = info.getTestMethod().orElseThrow().getName().replaceAll("[^A-Za-z]", "").toLowerCase() + "-"
                + System.nanoTime() % 100000;
        archive = new ArchiveForTests(dataDir);
    }

    @AfterEach
    void tearDown() {
        workers.forEach(IngestService::close);
        archive.close();
    }

    @Test
    void everyRecordIsArchivedOnceAndExactly() throws Exception {
        List<String> topics = KafkaForTests.names(prefix, 3);
        KafkaForTests.createTopics(3, topics.toArray(new String[0]));
        List<ProducerRecord<byte[], byte[]>> records = TestVectors.generate(topics, 3, 10_000, 42,
                System.currentTimeMillis() - 20_000_000L);
        startWorker(Map.of());

        List<Archived.Sent> sent = produce(records);

        awaitArchived(topics, records.size());
        String clusterId = KafkaForTests.broker().clusterId();
        Map<String, String> topicIds = topicIds(topics);
        int checked = 0;
        for (String topic : topics) {
            Map<String, Message> stored = Archived.byPosition(archive.messagesOf(topic));
            for (Archived.Sent s : sent) {
                if (s.record().topic().equals(topic)) {
                    Message m = stored.get(s.meta().partition() + "@" + s.meta().offset());
                    assertThat(m).as("archived %s-%d@%d", topic, s.meta().partition(), s.meta().offset()).isNotNull();
                    Archived.assertExact(s, m, clusterId, topicIds.get(topic));
                    checked++;
                }
            }
            assertThat(stored).hasSize((int) sent.stream().filter(s -> s.record().topic().equals(topic)).count());
        }
        assertThat(checked).isEqualTo(10_000);
    }

    @Test
    void vetoedTopicsAreLeftAloneAndNewTopicsArePickedUp() throws Exception {
        String kept = prefix + "-kept";
        String vetoed = prefix + "-secret";
        KafkaForTests.createTopics(1, kept, vetoed);
        startWorker(Map.of("STOWAGE_VETO", "__.*," + prefix + "-secret"));
        produce(List.of(record(kept, "a"), record(vetoed, "b")));
        awaitArchived(List.of(kept), 1);

        String later = prefix + "-later";
        KafkaForTests.createTopics(2, later);
        produce(List.of(record(later, "c"), record(later, "d"), record(vetoed, "e")));

        awaitArchived(List.of(later), 2);
        assertThat(archive.countOf(vetoed)).isZero();
    }

    @Test
    void aServerOutageLosesNothingAndTheWorkerRecoversByItself() throws Exception {
        String topic = prefix + "-t";
        KafkaForTests.createTopics(3, topic);
        startWorker(Map.of());
        List<ProducerRecord<byte[], byte[]>> records = TestVectors.generate(List.of(topic), 3, 3000, 7,
                System.currentTimeMillis());
        produce(records.subList(0, 1000));
        awaitArchived(List.of(topic), 1000);

        archive.stop();
        produce(records.subList(1000, 2000));
        Thread.sleep(3000); // the outage: the worker retries meanwhile
        archive.start();
        produce(records.subList(2000, 3000));

        awaitArchived(List.of(topic), 3000);
        assertThat(archive.countOf(topic)).isEqualTo(3000);
    }

    @Test
    void offsetsAreCommittedForWhatWasArchived() throws Exception {
        String topic = prefix + "-t";
        KafkaForTests.createTopics(2, topic);
        IngestService worker = startWorker(Map.of());
        produce(TestVectors.generate(List.of(topic), 2, 500, 3, System.currentTimeMillis()));
        awaitArchived(List.of(topic), 500);

        worker.close();
        workers.remove(worker);

        try (Admin admin = Admin.create(KafkaForTests.adminProps())) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(prefix + "-group")
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = Map.of(new TopicPartition(topic, 0), OffsetSpec.latest(),
                    new TopicPartition(topic, 1), OffsetSpec.latest());
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                    .get(30, TimeUnit.SECONDS);
            for (TopicPartition tp : latest.keySet()) {
                assertThat(committed.get(tp).offset()).as(tp.toString()).isEqualTo(ends.get(tp).offset());
            }
        }
    }

    @Test
    void sameIdWithSameContentIsStoredOnceAndWithOtherContentBothAreStored() throws Exception {
        String topic = prefix + "-t";
        KafkaForTests.createTopics(1, topic);
        byte[] id = uuid(UUID.fromString("11111111-2222-4333-8444-555555555555"));
        ProducerRecord<byte[], byte[]> first = withId(topic, id, "same", 1_700_000_000_000L);
        ProducerRecord<byte[], byte[]> repeat = withId(topic, id, "same", 1_700_000_000_000L);
        ProducerRecord<byte[], byte[]> other = withId(topic, id, "other", 1_700_000_000_000L);
        startWorker(Map.of());

        produce(List.of(first, repeat));
        awaitArchived(List.of(topic), 1);
        produce(List.of(other));
        awaitArchived(List.of(topic), 2);

        List<Message> stored = archive.messagesOf(topic);
        assertThat(stored).hasSize(2);
        Message original = stored.stream().filter(m -> m.getId().equals("11111111-2222-4333-8444-555555555555"))
                .findFirst().orElseThrow();
        Message moved = stored.stream().filter(m -> !m.getId().equals(original.getId())).findFirst().orElseThrow();
        assertThat(original.getBinaryData().toStringUtf8()).isEqualTo("same");
        assertThat(original.getKafka().getOffset()).isZero();
        assertThat(moved.getBinaryData().toStringUtf8()).isEqualTo("other");
        assertThat(moved.getAttributesOrThrow(RecordMapper.ORIGINAL_ID_ATTRIBUTE).getCeString())
                .isEqualTo(original.getId());
        assertThat(moved.getKafka().getOffset()).isEqualTo(2);
    }

    private IngestService startWorker(Map<String, String> overrides) throws InterruptedException {
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", KafkaForTests.broker().bootstrapServers(),
                "STOWAGE_SERVER", archive.target(),
                "STOWAGE_TOPICS", prefix + "-.*",
                "STOWAGE_GROUP_ID", prefix + "-group",
                "STOWAGE_TOPIC_REFRESH", "1s",
                "STOWAGE_LINGER", "50ms",
                "STOWAGE_BATCH_MESSAGES", "500",
                "STOWAGE_SHUTDOWN_GRACE", "10s",
                "STOWAGE_PUT_DEADLINE", "5s"));
        env.putAll(overrides);
        IngestConfig config = IngestConfig.from(new SettingsSource(Map.of(), env));
        IngestService worker = IngestService.start(config, StowageClient.builder(config.server()),
                new SimpleMeterRegistry());
        workers.add(worker);
        return worker;
    }

    private List<Archived.Sent> produce(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        List<Future<RecordMetadata>> futures = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = KafkaForTests.producer()) {
            for (ProducerRecord<byte[], byte[]> r : records) {
                futures.add(producer.send(r));
            }
            producer.flush();
        }
        List<Archived.Sent> sent = new ArrayList<>();
        for (int i = 0; i < records.size(); i++) {
            sent.add(new Archived.Sent(records.get(i), futures.get(i).get(30, TimeUnit.SECONDS)));
        }
        return sent;
    }

    private void awaitArchived(List<String> topics, long count) {
        await().atMost(KafkaForTests.timeout()).pollInterval(Duration.ofMillis(250))
                .until(() -> topics.stream().mapToLong(archive::countOf).sum() >= count);
    }

    private static Map<String, String> topicIds(List<String> topics) throws Exception {
        try (Admin admin = Admin.create(KafkaForTests.adminProps())) {
            Map<String, String> ids = new HashMap<>();
            admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS)
                    .forEach((name, d) -> ids.put(name, d.topicId().toString()));
            return ids;
        }
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String value) {
        return new ProducerRecord<>(topic, null, null, value.getBytes(StandardCharsets.UTF_8));
    }

    private static ProducerRecord<byte[], byte[]> withId(String topic, byte[] id, String value, long timestamp) {
        RecordHeaders h = new RecordHeaders();
        h.add("_id", id);
        return new ProducerRecord<>(topic, 0, timestamp, null, value.getBytes(StandardCharsets.UTF_8), h);
    }

    private static byte[] uuid(UUID u) {
        return ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits()).array();
    }
}
