package io.stowage.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.api.v1.CommittedOffset;
import io.stowage.api.v1.GetCaptureRequest;
import io.stowage.api.v1.GetCaptureResponse;
import io.stowage.api.v1.GroupCapture;
import io.stowage.api.v1.TopicCapture;
import io.stowage.client.StowageClient;
import io.stowage.common.config.SettingsSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** The worker's captures of topic configurations and group offsets, against a real broker and a real server. */
class ClusterCaptureTest {
    private static final Map<String, String> CONFIGS = Map.of("retention.ms", "3600000", "cleanup.policy", "compact",
            "max.message.bytes", "2097152");

    @TempDir
    Path dataDir;
    ArchiveForTests archive;
    String prefix;
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
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
    void theWorkerCapturesTopicConfigurationsAndTheOffsetsOfOtherGroups() throws Exception {
        String configured = prefix + "-configured";
        String plain = prefix + "-plain";
        String vetoedTopic = prefix + "-secret";
        try (Admin admin = Admin.create(KafkaForTests.adminProps())) {
            admin.createTopics(List.of(new NewTopic(configured, 2, (short) 1).configs(CONFIGS),
                    new NewTopic(plain, 1, (short) 1), new NewTopic(vetoedTopic, 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        produce(List.of(configured, plain, vetoedTopic), 10);
        commit(prefix + "-billing", Map.of(new TopicPartition(configured, 0), new OffsetAndMetadata(4, "billing 4"),
                new TopicPartition(configured, 1), new OffsetAndMetadata(7),
                new TopicPartition(vetoedTopic, 0), new OffsetAndMetadata(2)));
        commit(prefix + "-audit", Map.of(new TopicPartition(plain, 0), new OffsetAndMetadata(9, "")));
        commit(prefix + "-vetoed", Map.of(new TopicPartition(plain, 0), new OffsetAndMetadata(1)));

        startWorker(Map.of("STOWAGE_VETO", "__.*," + vetoedTopic, "STOWAGE_CAPTURE_GROUPS_VETO", prefix + "-vet.*"));
        // the worker's own group commits once its records are archived; a capture after that must leave it out
        await().atMost(KafkaForTests.timeout()).until(() -> archive.countOf(configured) + archive.countOf(plain) == 20);
        awaitOwnCommit();
        // the second capture stored from now on was read after the commit
        double stored = captures();
        await().atMost(KafkaForTests.timeout()).until(() -> captures() >= stored + 2);

        GetCaptureResponse capture = archive.client().capture(GetCaptureRequest.newBuilder()
                .setTopicPattern(prefix + "-.*").build());

        String clusterId = KafkaForTests.broker().clusterId();
        assertThat(capture.getTopicsList()).extracting(TopicCapture::getTopic, TopicCapture::getPartitions,
                TopicCapture::getReplicationFactor, TopicCapture::getConfigsMap, TopicCapture::getClusterId)
                .containsExactlyInAnyOrder(
                        tuple(configured, 2, 1, CONFIGS, clusterId),
                        tuple(plain, 1, 1, Map.of(), clusterId));
        assertThat(capture.getGroupsList()).extracting(GroupCapture::getGroup)
                .containsExactlyInAnyOrder(prefix + "-billing", prefix + "-audit");
        assertThat(group(capture, prefix + "-billing").getOffsetsList()).containsExactly(
                offset(configured, 0, 4, "billing 4"), offset(configured, 1, 7, ""));
        assertThat(group(capture, prefix + "-audit").getOffsetsList()).containsExactly(offset(plain, 0, 9, ""));
        assertThat(registry.counter("stowage.ingest.capture.failures").count()).isZero();
    }

    @Test
    void aFailedCaptureIsCountedAndArchivingGoesOn() throws Exception {
        String topic = prefix + "-t";
        KafkaForTests.createTopics(1, topic);
        startWorker(Map.of());
        await().atMost(KafkaForTests.timeout()).until(() -> registry.counter("stowage.ingest.captures").count() >= 1);

        archive.stop();
        await().atMost(KafkaForTests.timeout())
                .until(() -> registry.counter("stowage.ingest.capture.failures").count() >= 1);
        produce(List.of(topic), 5);
        archive.start();

        await().atMost(KafkaForTests.timeout()).until(() -> archive.countOf(topic) == 5);
        double before = registry.counter("stowage.ingest.captures").count();
        await().atMost(KafkaForTests.timeout()).until(() -> registry.counter("stowage.ingest.captures").count() > before);
    }

    @Test
    void aDeletedGroupIsGoneFromTheLatestCaptureButNotFromEarlierOnes() throws Exception {
        String topic = prefix + "-t";
        String deleted = prefix + "-deleted";
        KafkaForTests.createTopics(1, topic);
        produce(List.of(topic), 3);
        commit(deleted, Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(2)));
        commit(prefix + "-stays", Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(1)));
        startWorker(Map.of());
        GetCaptureRequest latest = GetCaptureRequest.newBuilder().setTopicPattern(prefix + "-.*").build();
        await().atMost(KafkaForTests.timeout()).until(() -> archive.client().capture(latest).getGroupsCount() == 2);
        com.google.protobuf.Timestamp whileItExisted = group(archive.client().capture(latest), deleted).getSeenAt();

        try (Admin admin = Admin.create(KafkaForTests.adminProps())) {
            admin.deleteConsumerGroups(List.of(deleted)).all().get(30, TimeUnit.SECONDS);
        }

        await().atMost(KafkaForTests.timeout()).untilAsserted(() -> assertThat(archive.client().capture(latest)
                .getGroupsList()).extracting(GroupCapture::getGroup).containsExactly(prefix + "-stays"));
        GetCaptureResponse before = archive.client().capture(latest.toBuilder().setAt(whileItExisted).build());
        assertThat(group(before, deleted).getOffsetsList()).containsExactly(offset(topic, 0, 2, ""));
    }

    private void startWorker(Map<String, String> overrides) throws InterruptedException {
        Map<String, String> env = new HashMap<>(Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", KafkaForTests.broker().bootstrapServers(),
                "STOWAGE_SERVER", archive.target(),
                "STOWAGE_TOPICS", prefix + "-.*",
                "STOWAGE_GROUP_ID", prefix + "-group",
                "STOWAGE_TOPIC_REFRESH", "1s",
                "STOWAGE_LINGER", "50ms",
                "STOWAGE_SHUTDOWN_GRACE", "10s",
                "STOWAGE_PUT_DEADLINE", "5s",
                "STOWAGE_CAPTURE_INTERVAL", "1s",
                "STOWAGE_CAPTURE_GROUPS", prefix + "-.*"));
        env.putAll(overrides);
        IngestConfig config = IngestConfig.from(new SettingsSource(Map.of(), env));
        workers.add(IngestService.start(config, StowageClient.builder(config.server()), registry));
    }

    private void awaitOwnCommit() throws Exception {
        try (Admin admin = Admin.create(KafkaForTests.adminProps())) {
            await().atMost(KafkaForTests.timeout()).until(() -> !admin.listConsumerGroupOffsets(prefix + "-group")
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS).isEmpty());
        }
    }

    private double captures() {
        return registry.counter("stowage.ingest.captures").count();
    }

    private static GroupCapture group(GetCaptureResponse capture, String name) {
        return capture.getGroupsList().stream().filter(g -> g.getGroup().equals(name)).findFirst().orElseThrow();
    }

    private static CommittedOffset offset(String topic, int partition, long offset, String metadata) {
        return CommittedOffset.newBuilder().setTopic(topic).setPartition(partition).setOffset(offset)
                .setMetadata(metadata).build();
    }

    private static void commit(String group, Map<TopicPartition, OffsetAndMetadata> offsets) throws Exception {
        try (Admin admin = Admin.create(KafkaForTests.adminProps())) {
            admin.alterConsumerGroupOffsets(group, offsets).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static void produce(List<String> topics, int perTopic) throws Exception {
        List<Future<?>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = KafkaForTests.producer()) {
            for (String topic : topics) {
                for (int i = 0; i < perTopic; i++) {
                    // keyed: a compacted topic refuses records without a key
                    byte[] key = ("k" + i).getBytes(StandardCharsets.UTF_8);
                    sent.add(producer.send(new ProducerRecord<>(topic, key, ("v" + i).getBytes(StandardCharsets.UTF_8))));
                }
            }
            producer.flush();
        }
        for (Future<?> f : sent) {
            f.get(30, TimeUnit.SECONDS);
        }
    }
}
