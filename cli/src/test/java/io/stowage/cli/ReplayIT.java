package io.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.api.v1.ScanRequest;
import io.stowage.client.StowageClient;
import io.stowage.common.config.SettingsSource;
import io.stowage.embedded.LocalKafka;
import io.stowage.ingest.IngestConfig;
import io.stowage.ingest.IngestService;
import io.stowage.testing.StowageProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publish the test vectors, archive them, replay them into a new topic: the two topics must be identical. */
class ReplayIT {
    static final int RECORDS = 1500;

    @TempDir
    Path dir;

    @Test
    void aReplayedTopicIsIdenticalRecordForRecordPartitionByPartition() throws Exception {
        try (LocalKafka kafka = LocalKafka.startTemporary(); ArchiveServerForIT server = new ArchiveServerForIT(dir)) {
            Map<String, String> env = Map.of("STOWAGE_SERVER", server.target());
            try (StowageProcess publish = StowageProcess.start(env, "publish", "--bootstrap", kafka.bootstrapServers(),
                    "--topic", "vectors", "--count", String.valueOf(RECORDS), "--partitions", "3")) {
                assertThat(publish.waitFor(Duration.ofSeconds(120))).as(publish.stderr()).isZero();
            }
            archive(kafka, server, "vectors", RECORDS);

            Path checkpoint = dir.resolve("replay.checkpoint");
            List<String> replay = List.of("replay", "--stream", "vectors", "--to-topic", "restored", "--bootstrap",
                    kafka.bootstrapServers(), "--keep-partitions", "--checkpoint", checkpoint.toString());
            try (StowageProcess dry = StowageProcess.start(env, concat(replay, "--dry-run"))) {
                assertThat(dry.waitFor(Duration.ofSeconds(120))).isZero();
                assertThat(dry.stdout()).contains("would replay 1,500 records");
            }
            try (StowageProcess first = StowageProcess.start(env, concat(replay, "--limit", "600"))) {
                assertThat(first.waitFor(Duration.ofSeconds(120))).as(first.stderr()).isZero();
                assertThat(first.stdout()).contains("replayed 600 records").contains("run the same command again");
            }
            try (StowageProcess rest = StowageProcess.start(env, replay.toArray(new String[0]))) {
                assertThat(rest.waitFor(Duration.ofSeconds(120))).as(rest.stderr()).isZero();
                assertThat(rest.stderr()).contains("resuming after 600 records");
                assertThat(rest.stdout()).contains("replayed 900 records");
            }
            assertThat(checkpoint).content().contains("complete=true");
            try (StowageProcess again = StowageProcess.start(env, replay.toArray(new String[0]))) {
                assertThat(again.waitFor(Duration.ofSeconds(120))).as(again.stderr()).isZero();
                assertThat(again.stdout()).contains("already complete").contains("nothing sent");
            }

            Map<Integer, List<String>> original = readAll(kafka, "vectors");
            Map<Integer, List<String>> restored = readAll(kafka, "restored");
            assertThat(original.values().stream().mapToInt(List::size).sum()).isEqualTo(RECORDS);
            assertThat(restored.keySet()).isEqualTo(original.keySet());
            for (int partition : original.keySet()) {
                assertThat(restored.get(partition)).as("partition %d", partition)
                        .containsExactlyElementsOf(original.get(partition));
            }
        }
    }

    /** Runs the ingest worker until every published record of {@code topic} is archived. */
    static void archive(LocalKafka kafka, ArchiveServerForIT server, String topic, int records) throws Exception {
        IngestConfig config = IngestConfig.from(new SettingsSource(Map.of(), Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "STOWAGE_SERVER", server.target(),
                "STOWAGE_HTTP_PORT", "0", "STOWAGE_TOPICS", java.util.regex.Pattern.quote(topic))));
        try (IngestService worker = IngestService.start(config, StowageClient.builder(server.target()),
                new SimpleMeterRegistry());
                StowageClient client = StowageClient.builder(server.target()).build()) {
            await().atMost(Duration.ofSeconds(120)).until(() -> {
                try (var ids = client.scan(ScanRequest.newBuilder().setStream(topic).setIdsOnly(true).build())) {
                    return ids.count() == records;
                }
            });
        }
    }

    /** How many records a topic holds. */
    static long count(LocalKafka kafka, String topic) {
        return readAll(kafka, topic).values().stream().mapToLong(List::size).sum();
    }

    /** Every record of a topic, per partition in offset order, as text that shows every byte. */
    static Map<Integer, List<String>> readAll(LocalKafka kafka, String topic) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", kafka.bootstrapServers());
        Map<Integer, List<String>> records = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    records.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(RecordText.of(r));
                }
            }
        }
        return records;
    }


    private static String[] concat(List<String> base, String... more) {
        List<String> all = new ArrayList<>(base);
        all.addAll(List.of(more));
        return all.toArray(new String[0]);
    }
}
