package io.stowage.cli;

import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.api.v1.GetCaptureRequest;
import io.stowage.api.v1.GetCaptureResponse;
import io.stowage.api.v1.GroupCapture;
import io.stowage.api.v1.ScanRequest;
import io.stowage.client.StowageClient;
import io.stowage.common.config.SettingsSource;
import io.stowage.embedded.LocalKafka;
import io.stowage.ingest.IngestConfig;
import io.stowage.ingest.IngestService;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The source cluster of the restore tests: topics with several partitions and their own configs,
 * keys absent and empty, tombstones, headers of every kind, a transactional producer that aborts
 * some of its transactions; and reading any cluster back record by record with offsets.
 */
final class RestoreSource {
    static final Map<String, Map<String, String>> CONFIGS = Map.of(
            "orders", Map.of("retention.ms", "2592000000", "compression.type", "lz4", "max.message.bytes", "2000000"),
            "events", Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "3600000"),
            "payments", Map.of("retention.bytes", "1073741824"));
    static final Map<String, Integer> PARTITIONS = Map.of("orders", 3, "events", 2, "payments", 2);

    private RestoreSource() {}

    static Properties props(LocalKafka kafka) {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", kafka.bootstrapServers());
        return p;
    }

    static void createTopics(LocalKafka kafka) throws Exception {
        try (Admin admin = Admin.create(props(kafka))) {
            List<NewTopic> topics = new ArrayList<>();
            CONFIGS.forEach((t, c) -> topics.add(new NewTopic(t, PARTITIONS.get(t), (short) 1).configs(c)));
            admin.createTopics(topics).all().get();
        }
    }

    /** {@code n} records per topic, numbered from {@code first}, each with the time it was produced. */
    static void produce(LocalKafka kafka, int first, int n) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props(kafka), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (int i = first; i < first + n; i++) {
                producer.send(new ProducerRecord<>("orders", i % 3, System.currentTimeMillis(), key(i), value(i),
                        headers(i)));
                // a compacted topic takes no record without a key
                producer.send(new ProducerRecord<>("events", i % 2, System.currentTimeMillis(), bytes("k" + i % 40),
                        i % 10 == 0 ? null : bytes("event " + i), headers(i)));
            }
            producer.flush();
        }
        Properties tx = props(kafka);
        tx.setProperty("transactional.id", "payments-" + first);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(tx, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.initTransactions();
            for (int batch = 0; batch < n / 10; batch++) {
                producer.beginTransaction();
                for (int j = 0; j < 10; j++) {
                    int i = first + batch * 10 + j;
                    producer.send(new ProducerRecord<>("payments", i % 2, System.currentTimeMillis(), bytes("p" + i),
                            bytes((batch % 3 == 1 ? "aborted " : "paid ") + i), headers(i)));
                }
                if (batch % 3 == 1) {
                    producer.flush(); // in the log, then aborted: offsets the archive never sees
                    producer.abortTransaction();
                } else {
                    producer.commitTransaction();
                }
            }
        }
    }

    private static byte[] key(int i) {
        return i % 7 == 0 ? null : i % 11 == 0 ? new byte[0] : bytes("key-" + i);
    }

    private static byte[] value(int i) {
        return i % 13 == 0 ? null : i % 17 == 0 ? new byte[0] : new byte[] {0, (byte) 0xff, (byte) i, '\n'};
    }

    private static RecordHeaders headers(int i) {
        RecordHeaders h = new RecordHeaders();
        if (i % 4 == 0) {
            return h;
        }
        h.add("trace", bytes("t" + i));
        h.add("dup", bytes("first"));
        h.add("nothing", null);
        h.add("empty", new byte[0]);
        h.add("dup", new byte[] {(byte) 0x80, 0, (byte) 0xfe});
        return h;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The ingest worker archiving the topics and capturing the cluster every second. */
    static IngestService worker(LocalKafka kafka, ArchiveServerForIT server) throws Exception {
        IngestConfig config = IngestConfig.from(new SettingsSource(Map.of(), Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "STOWAGE_SERVER", server.target(),
                "STOWAGE_HTTP_PORT", "0", "STOWAGE_TOPICS", String.join("|", CONFIGS.keySet()),
                "STOWAGE_CAPTURE_INTERVAL", "1s")));
        return IngestService.start(config, StowageClient.builder(server.target()), new SimpleMeterRegistry());
    }

    /** Waits until the archive holds this many records of each topic. */
    static void awaitArchived(ArchiveServerForIT server, Map<String, Integer> expected) {
        try (StowageClient client = StowageClient.builder(server.target()).build()) {
            await().atMost(Duration.ofSeconds(180)).until(() -> expected.entrySet().stream().allMatch(e -> {
                try (var ids = client.scan(ScanRequest.newBuilder().setStream(e.getKey()).setIdsOnly(true).build())) {
                    return ids.count() == e.getValue();
                }
            }));
        }
    }

    /** Waits until the worker has captured every topic and these groups' committed offsets as they are now. */
    static void awaitCaptured(LocalKafka kafka, ArchiveServerForIT server, List<String> groups) throws Exception {
        Map<String, Map<String, Long>> committed = new TreeMap<>();
        try (Admin admin = Admin.create(props(kafka))) {
            for (String g : groups) {
                Map<String, Long> offsets = new TreeMap<>();
                admin.listConsumerGroupOffsets(g).partitionsToOffsetAndMetadata().get()
                        .forEach((tp, o) -> offsets.put(tp.toString(), o.offset()));
                committed.put(g, offsets);
            }
        }
        try (StowageClient client = StowageClient.builder(server.target()).build()) {
            await().atMost(Duration.ofSeconds(120)).until(() -> {
                GetCaptureResponse c = client.capture(GetCaptureRequest.getDefaultInstance());
                Map<String, Map<String, Long>> seen = new TreeMap<>();
                for (GroupCapture g : c.getGroupsList()) {
                    Map<String, Long> offsets = new TreeMap<>();
                    g.getOffsetsList().forEach(o -> offsets.put(o.getTopic() + "-" + o.getPartition(), o.getOffset()));
                    seen.put(g.getGroup(), offsets);
                }
                return c.getTopicsCount() == CONFIGS.size() && seen.entrySet().containsAll(committed.entrySet());
            });
        }
    }

    /** Commits offsets for a group that has no members (as a consumer that stopped would have left them). */
    static void commit(LocalKafka kafka, String group, Map<TopicPartition, Long> offsets) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> o = new TreeMap<>(java.util.Comparator.comparing(TopicPartition::toString));
        offsets.forEach((tp, off) -> o.put(tp, new OffsetAndMetadata(off, "at " + off)));
        try (Admin admin = Admin.create(props(kafka))) {
            admin.alterConsumerGroupOffsets(group, o).all().get();
        }
    }

    /** One record as read back: its offset and everything a restore must keep, every byte shown. */
    record Rec(long offset, long timestamp, String content) {}

    /**
     * Every committed record of a topic, per partition in offset order, from {@code group}'s
     * committed position when given (else from the beginning) to the end.
     */
    static Map<Integer, List<Rec>> read(LocalKafka kafka, String topic, String group) {
        Properties p = props(kafka);
        p.setProperty("isolation.level", "read_committed");
        p.setProperty("enable.auto.commit", "false");
        if (group != null) {
            p.setProperty("group.id", group);
        }
        Map<Integer, List<Rec>> records = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>(consumer.partitionsFor(topic).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList());
            if (group != null) {
                var committed = consumer.committed(new java.util.HashSet<>(parts));
                parts.removeIf(tp -> committed.get(tp) == null);
                consumer.assign(parts);
                parts.forEach(tp -> consumer.seek(tp, committed.get(tp).offset()));
            } else {
                consumer.assign(parts);
                consumer.seekToBeginning(parts);
            }
            parts.forEach(tp -> records.put(tp.partition(), new ArrayList<>()));
            Map<TopicPartition, Long> ends = consumer.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (parts.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    records.get(r.partition()).add(new Rec(r.offset(), r.timestamp(), RecordText.of(r)));
                }
            }
        }
        return records;
    }

}
