package io.stowage.embedded;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

class LocalKafkaTest {
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    /** One broker for the tests that do not restart it; each test uses its own topics. */
    private static LocalKafka shared;

    @BeforeAll
    static void startSharedBroker() {
        shared = LocalKafka.startTemporary();
    }

    @AfterAll
    static void stopSharedBroker() {
        Path dir = shared.logDir();
        shared.close();
        assertThat(dir).doesNotExist();
    }

    @Test
    void producedRecordsComeBackWithKeysAndHeaders(TestInfo test) throws Exception {
        String topic = topicFor(test);
        List<ProducerRecord<byte[], byte[]>> sent = List.of(
                new ProducerRecord<>(topic, null, 1_700_000_000_000L, bytes("k1"), bytes("first"), headers(
                        new RecordHeader("_id", new byte[] {0, 1, 2, (byte) 0xff}),
                        new RecordHeader("dup", bytes("a")),
                        new RecordHeader("dup", bytes("b")),
                        new RecordHeader("absent", null),
                        new RecordHeader("empty", new byte[0]))),
                new ProducerRecord<>(topic, null, 1_700_000_000_001L, null, bytes("no key"), headers()),
                new ProducerRecord<>(topic, null, 1_700_000_000_002L, new byte[0], null, headers(
                        new RecordHeader("tombstone", bytes("yes")))));
        try (KafkaProducer<byte[], byte[]> producer = producer(shared)) {
            for (ProducerRecord<byte[], byte[]> record : sent) {
                producer.send(record).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            }
        }

        List<ConsumerRecord<byte[], byte[]>> got = readAll(shared, new TopicPartition(topic, 0), sent.size());

        assertThat(got).hasSize(sent.size());
        for (int i = 0; i < sent.size(); i++) {
            ProducerRecord<byte[], byte[]> s = sent.get(i);
            ConsumerRecord<byte[], byte[]> r = got.get(i);
            assertThat(r.offset()).isEqualTo(i);
            assertThat(r.timestamp()).isEqualTo(s.timestamp());
            assertThat(r.key()).isEqualTo(s.key());
            assertThat(r.value()).isEqualTo(s.value());
            assertThat(headerList(r.headers())).containsExactlyElementsOf(headerList(s.headers()));
        }
        assertThat(got.get(0).headers().headers("dup")).extracting(h -> new String(h.value(), UTF_8))
                .containsExactly("a", "b");
        assertThat(got.get(0).headers().lastHeader("absent").value()).isNull();
        assertThat(got.get(0).headers().lastHeader("empty").value()).isEmpty();
        assertThat(got.get(1).key()).isNull();
        assertThat(got.get(2).key()).isEmpty();
        assertThat(got.get(2).value()).isNull();
    }

    @Test
    void adminCreatesATopicWithThreePartitionsThatAllTakeRecords(TestInfo test) throws Exception {
        String topic = topicFor(test);
        try (Admin admin = admin(shared)) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all()
                    .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(DEADLINE.toSeconds(), TimeUnit.SECONDS).get(topic);
            assertThat(description.partitions()).extracting(TopicPartitionInfo::partition)
                    .containsExactly(0, 1, 2);
            assertThat(description.partitions()).allSatisfy(p -> assertThat(p.leader().id()).isEqualTo(1));
        }
        try (KafkaProducer<byte[], byte[]> producer = producer(shared)) {
            for (int partition = 0; partition < 3; partition++) {
                RecordMetadata written = producer.send(new ProducerRecord<>(topic, partition, bytes("k"),
                        bytes("to " + partition))).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
                assertThat(written.partition()).isEqualTo(partition);
                assertThat(written.offset()).isZero();
            }
        }
        assertThat(readAll(shared, new TopicPartition(topic, 2), 1))
                .extracting(r -> new String(r.value(), UTF_8)).containsExactly("to 2");
    }

    @Test
    void aTopicIsCreatedOnFirstUseWithOnePartition(TestInfo test) throws Exception {
        String topic = topicFor(test);
        try (KafkaProducer<byte[], byte[]> producer = producer(shared)) {
            producer.send(new ProducerRecord<>(topic, bytes("auto"))).get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
        }
        try (Admin admin = admin(shared)) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(DEADLINE.toSeconds(), TimeUnit.SECONDS).get(topic);
            assertThat(description.partitions()).hasSize(1);
        }
    }

    @Test
    void recordsAndCommittedOffsetsSurviveARestart(@TempDir Path dir) throws Exception {
        TopicPartition tp = new TopicPartition("kept", 0);
        String clusterId;
        try (LocalKafka kafka = LocalKafka.start(dir, 0)) {
            clusterId = kafka.clusterId();
            assertThat(kafka.logDir()).isEqualTo(dir.toAbsolutePath());
            assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + kafka.port());
            produceAndCommit(kafka, tp, "kept-group");
        }

        try (LocalKafka kafka = LocalKafka.start(dir, 0)) {
            assertThat(kafka.clusterId()).isEqualTo(clusterId);
            assertKeptRecordsAndOffset(kafka, tp, "kept-group");
        }
    }

    @Test
    void restartsOnTheLogDirOfAKilledProcess(@TempDir Path dir) throws Exception {
        Path kafkaDir = dir.resolve("kafka");
        Path childLog = dir.resolve("child.log");
        Process child = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"),
                KilledBroker.class.getName(), kafkaDir.toString())
                .redirectError(childLog.toFile())
                .start();
        String clusterId;
        try {
            clusterId = awaitReadyLine(child, childLog);
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no clean shutdown marker
            assertThat(child.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isTrue();
        }
        // the lock file stays behind; the lock on it went with the process
        assertThat(kafkaDir.resolve(".lock")).exists();

        try (LocalKafka kafka = LocalKafka.start(kafkaDir, 0)) {
            assertThat(kafka.clusterId()).isEqualTo(clusterId);
            assertKeptRecordsAndOffset(kafka, new TopicPartition("kept", 0), "kept-group");
        }
    }

    @Test
    void aSecondBrokerOnTheSameLogDirIsRefusedAndTheFirstKeepsWorking(@TempDir Path dir) throws Exception {
        TopicPartition tp = new TopicPartition("kept", 0);
        try (LocalKafka first = LocalKafka.start(dir, 0)) {
            assertThatThrownBy(() -> LocalKafka.start(dir, 0))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(dir.toAbsolutePath().toString())
                    .hasMessageContaining("in use");
            produceAndCommit(first, tp, "kept-group");
            assertKeptRecordsAndOffset(first, tp, "kept-group");
        }
        // the lock goes with the broker
        try (LocalKafka again = LocalKafka.start(dir, 0)) {
            assertKeptRecordsAndOffset(again, tp, "kept-group");
        }
    }

    @Test
    void aBusyPortIsReportedWithThePort(@TempDir Path dir) {
        assertThatThrownBy(() -> LocalKafka.start(dir, shared.port()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("127.0.0.1:" + shared.port());
    }

    /**
     * Run in a child JVM by {@link #restartsOnTheLogDirOfAKilledProcess}: writes records and a
     * committed offset, says so on stdout, and waits to be killed.
     */
    static final class KilledBroker {
        public static void main(String[] args) throws Exception {
            LocalKafka kafka = LocalKafka.start(Path.of(args[0]), 0);
            produceAndCommit(kafka, new TopicPartition("kept", 0), "kept-group");
            System.out.println("READY " + kafka.clusterId());
            System.out.flush();
            new CountDownLatch(1).await();
        }
    }

    private static void produceAndCommit(LocalKafka kafka, TopicPartition tp, String group) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
            for (int i = 0; i < 3; i++) {
                producer.send(new ProducerRecord<>(tp.topic(), tp.partition(), bytes("k" + i), bytes("v" + i),
                        headers(new RecordHeader("n", bytes(String.valueOf(i))))))
                        .get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            }
        }
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka, group)) {
            consumer.commitSync(Map.of(tp, new OffsetAndMetadata(2)), DEADLINE);
        }
    }

    private static void assertKeptRecordsAndOffset(LocalKafka kafka, TopicPartition tp, String group)
            throws Exception {
        assertThat(readAll(kafka, tp, 3)).extracting(r -> new String(r.value(), UTF_8))
                .containsExactly("v0", "v1", "v2");
        try (Admin admin = admin(kafka)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertThat(committed).containsEntry(tp, new OffsetAndMetadata(2));
        }
        // a member of the group resumes after the committed offset
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka, group)) {
            consumer.assign(List.of(tp));
            List<ConsumerRecord<byte[], byte[]>> got = poll(consumer, 1);
            assertThat(got).extracting(ConsumerRecord::offset).containsExactly(2L);
            assertThat(got.get(0).headers().lastHeader("n").value()).isEqualTo(bytes("2"));
        }
    }

    /** The cluster id the child announces once its broker is up and its records are written. */
    private static String awaitReadyLine(Process child, Path childLog) throws Exception {
        var reader = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8));
        var executor = Executors.newSingleThreadExecutor();
        try {
            Future<String> ready = executor.submit(() -> {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    if (line.startsWith("READY ")) {
                        return line.substring("READY ".length());
                    }
                }
                return null;
            });
            String clusterId = ready.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            assertThat(clusterId).as("the child exited early; its log: %s", readQuietly(childLog)).isNotNull();
            return clusterId;
        } catch (TimeoutException e) {
            throw new AssertionError("the child broker did not get ready; its log: " + readQuietly(childLog), e);
        } finally {
            executor.shutdownNow();
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(LocalKafka kafka, TopicPartition tp, int count) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka, null)) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            return poll(consumer, count);
        }
    }

    /** Polls until {@code count} records are in or the deadline has passed. */
    private static List<ConsumerRecord<byte[], byte[]>> poll(KafkaConsumer<byte[], byte[]> consumer, int count) {
        List<ConsumerRecord<byte[], byte[]>> got = new ArrayList<>();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (got.size() < count && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(100)).forEach(got::add);
        }
        return got;
    }

    private static KafkaProducer<byte[], byte[]> producer(LocalKafka kafka) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(LocalKafka kafka, String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        if (group != null) {
            p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        }
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private static Admin admin(LocalKafka kafka) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    private static RecordHeaders headers(Header... headers) {
        return new RecordHeaders(headers);
    }

    /** Headers as comparable values: (key, value as text or null), in order. */
    private static List<List<String>> headerList(Iterable<Header> headers) {
        List<List<String>> list = new ArrayList<>();
        for (Header h : headers) {
            list.add(Arrays.asList(h.key(), h.value() == null ? null : HexFormat.of().formatHex(h.value())));
        }
        return list;
    }

    private static String topicFor(TestInfo test) {
        return test.getTestMethod().orElseThrow().getName();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    private static String readQuietly(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
