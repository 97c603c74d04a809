package io.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.stowage.cli.RestoreSource.Rec;
import io.stowage.embedded.LocalKafka;
import io.stowage.ingest.IngestService;
import io.stowage.testing.StowageProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archive a cluster (several partitions, tombstones, every kind of header, aborted transactions,
 * two consumer groups part way through), restore it into another cluster up to a time before its
 * last records, stopped at a limit, killed with SIGKILL and resumed: the restored topics hold the same records up to that time
 * with the same configs, and each group resumes with the first record it had not read; a group
 * with a member on the target is left alone until it has none.
 */
class RestoreIT {
    static final Duration T = Duration.ofSeconds(180);
    static final List<String> TOPICS = List.of("orders", "events", "payments");

    @TempDir
    Path dir;

    @Test
    void aClusterRestoredToAPointInTimeHoldsTheSameRecordsAndItsGroupsResumeWhereTheyWere() throws Exception {
        try (LocalKafka source = LocalKafka.startTemporary(); LocalKafka target = LocalKafka.startTemporary();
                ArchiveServerForIT server = new ArchiveServerForIT(dir.resolve("archive"))) {
            RestoreSource.createTopics(source);
            RestoreSource.produce(source, 0, 300);
            Map<String, Map<Integer, List<Rec>>> early = new HashMap<>();
            TOPICS.forEach(t -> early.put(t, RestoreSource.read(source, t, null)));
            RestoreSource.commit(source, "billing", Map.of(tp("orders", 0), early.get("orders").get(0).get(40).offset(),
                    tp("orders", 1), early.get("orders").get(1).get(55).offset(),
                    tp("payments", 0), insideAGap(early.get("payments").get(0))));
            List<Rec> events1 = early.get("events").get(1);
            RestoreSource.commit(source, "audit", Map.of(tp("events", 0), early.get("events").get(0).get(30).offset(),
                    tp("events", 1), events1.get(events1.size() - 1).offset() + 1,
                    tp("payments", 1), early.get("payments").get(1).get(7).offset()));
            Map<String, Map<Integer, List<Rec>>> all = new HashMap<>();
            Instant until;
            try (IngestService worker = RestoreSource.worker(source, server)) {
                RestoreSource.awaitArchived(server, counts(early));
                RestoreSource.awaitCaptured(source, server, List.of("billing", "audit"));
                until = Instant.ofEpochMilli(System.currentTimeMillis());
                await().atMost(Duration.ofSeconds(5)).until(() -> System.currentTimeMillis() > until.toEpochMilli() + 1);
                RestoreSource.produce(source, 300, 60); // after --until: not restored
                TOPICS.forEach(t -> all.put(t, RestoreSource.read(source, t, null)));
                RestoreSource.awaitArchived(server, counts(all));
            }

            Map<String, String> env = server.env();
            List<String> restore = List.of("restore", "--topics", "orders|events|payments", "--until", until.toString(),
                    "--prefix", "restored.", "--bootstrap", target.bootstrapServers(), "--parallel", "3",
                    "--checkpoint-dir", dir.resolve("checkpoints").toString());
            Run dry = run(env, restore, "--dry-run");
            assertThat(dry.code).as(dry.err).isZero();
            assertThat(dry.out).contains("restored.orders (to create): 3 partitions").contains("retention.ms=2592000000")
                    .contains("group billing").contains("group audit");
            Run first = run(env, restore, "--limit", "250");
            assertThat(first.code).as(first.err).isZero();
            assertThat(first.out).contains("restored 250 records").contains("stopped at --limit");
            long held = held(target);
            Map<String, String> slow = new HashMap<>(env); // one record per request, so that it is killed part way
            slow.putAll(Map.of("KAFKA_BATCH_SIZE", "1", "KAFKA_LINGER_MS", "0",
                    "KAFKA_MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION", "1"));
            try (StowageProcess killed = StowageProcess.start(slow, restore.toArray(new String[0]))) {
                await().atMost(T).pollInterval(Duration.ofMillis(5))
                        .until(() -> held(target) > held + 10 || !killed.isAlive());
                assertThat(killed.isAlive()).as("still restoring when killed").isTrue();
                killed.handle().destroyForcibly(); // SIGKILL: no checkpoint saved since the records it sent
                killed.waitFor(T);
            }
            assertThat(held(target)).isGreaterThan(held + 10);
            Run rest;
            try (KafkaConsumer<byte[], byte[]> active = member(target, "audit", "restored.events")) {
                rest = run(env, restore, "--json"); // audit has a member on the target: refused
            }
            assertThat(rest.code).as(rest.err).isEqualTo(StowageCommand.ExitCodes.PARTIAL);
            assertThat(json(rest.out, "group")).hasSize(3).allSatisfy(n -> assertThat(n.get("group").asText())
                    .isEqualTo("billing"));
            assertThat(json(rest.out, "group_refused")).singleElement()
                    .satisfies(n -> assertThat(n.get("reason").asText()).contains("audit").containsIgnoringCase("stable"));
            Run again = run(env, restore);
            assertThat(again.code).as(again.err).isZero();
            assertThat(again.out).contains("nothing sent").contains("group billing: moved by an earlier run")
                    .contains("moved group audit:");
            Run another = run(env, restore.subList(0, restore.size() - 1), dir.resolve("elsewhere").toString());
            assertThat(another.code).as("another restore into the same topics").isEqualTo(StowageCommand.ExitCodes.USAGE);
            assertThat(another.err).contains("restored.orders").contains("already holds").contains("--append");

            for (String t : TOPICS) {
                Map<Integer, List<Rec>> restored = RestoreSource.read(target, "restored." + t, null);
                for (int p = 0; p < RestoreSource.PARTITIONS.get(t); p++) {
                    assertThat(contents(restored.get(p))).as("%s-%d", t, p)
                            .containsExactlyElementsOf(contents(upTo(all.get(t).get(p), until)));
                }
            }
            try (Admin admin = Admin.create(RestoreSource.props(target))) {
                for (String t : TOPICS) {
                    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, "restored." + t);
                    var config = admin.describeConfigs(List.of(r)).all().get().get(r);
                    RestoreSource.CONFIGS.get(t).forEach((k, v) -> assertThat(config.get(k).value()).as("%s %s", t, k)
                            .isEqualTo(v));
                }
            }
            assertResumesWhereItWas(source, target, "billing", all, until);
            assertResumesWhereItWas(source, target, "audit", all, until);
        }
    }

    /** Records in the restored topics of the target: the sum of their partitions' end offsets. */
    private static long held(LocalKafka target) throws Exception {
        try (Admin admin = Admin.create(RestoreSource.props(target))) {
            List<String> topics = admin.listTopics().names().get().stream().filter(t -> t.startsWith("restored.")).toList();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(topics).allTopicNames().get().forEach((t, d) -> d.partitions()
                    .forEach(p -> latest.put(new TopicPartition(t, p.partition()), OffsetSpec.latest())));
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(i -> i.offset()).sum();
        }
    }

    /** A member of {@code group} on {@code kafka}, joined (it commits nothing). */
    private static KafkaConsumer<byte[], byte[]> member(LocalKafka kafka, String group, String topic) {
        Properties p = RestoreSource.props(kafka);
        p.setProperty("group.id", group);
        p.setProperty("enable.auto.commit", "false");
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            consumer.poll(Duration.ofMillis(100));
            return !consumer.assignment().isEmpty();
        });
        return consumer;
    }

    /** A consumer of the group on the target reads exactly the restored records it had not read on the source. */
    private static void assertResumesWhereItWas(LocalKafka source, LocalKafka target, String group,
            Map<String, Map<Integer, List<Rec>>> all, Instant until) throws Exception {
        Map<TopicPartition, Long> committed = new HashMap<>();
        try (Admin admin = Admin.create(RestoreSource.props(source))) {
            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                    .forEach((tp, o) -> committed.put(tp, o.offset()));
        }
        for (var e : committed.entrySet()) {
            String t = e.getKey().topic();
            int p = e.getKey().partition();
            List<String> expected = contents(upTo(all.get(t).get(p), until).stream()
                    .filter(r -> r.offset() >= e.getValue()).toList());
            List<Rec> read = RestoreSource.read(target, "restored." + t, group).get(p);
            assertThat(read).as("%s reads %s-%d", group, t, p).isNotNull();
            assertThat(contents(read)).as("%s reads %s-%d from %d", group, t, p, e.getValue())
                    .containsExactlyElementsOf(expected);
        }
    }

    /** An offset no committed record has (an aborted record or a transaction marker), so translation must look ahead. */
    private static long insideAGap(List<Rec> records) {
        for (int i = 1; i < records.size(); i++) {
            if (records.get(i).offset() > records.get(i - 1).offset() + 2) {
                return records.get(i - 1).offset() + 2;
            }
        }
        throw new AssertionError("no aborted transaction in " + records.size() + " records");
    }

    private static Map<String, Integer> counts(Map<String, Map<Integer, List<Rec>>> records) {
        Map<String, Integer> counts = new HashMap<>();
        records.forEach((t, parts) -> counts.put(t, parts.values().stream().mapToInt(List::size).sum()));
        return counts;
    }

    private static List<Rec> upTo(List<Rec> records, Instant until) {
        return records.stream().filter(r -> r.timestamp() <= until.toEpochMilli()).toList();
    }

    private static List<String> contents(List<Rec> records) {
        return records.stream().map(Rec::content).toList();
    }

    private static TopicPartition tp(String topic, int partition) {
        return new TopicPartition(topic, partition);
    }

    private static List<JsonNode> json(String out, String event) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.startsWith("{")) {
                JsonNode n = Output.JSON.readTree(line);
                if (event.equals(n.path("event").asText())) {
                    nodes.add(n);
                }
            }
        }
        return nodes;
    }

    record Run(int code, String out, String err) {}

    static Run run(Map<String, String> env, List<String> base, String... more) throws Exception {
        List<String> args = new ArrayList<>(base);
        args.addAll(List.of(more));
        try (StowageProcess p = StowageProcess.start(env, args.toArray(new String[0]))) {
            int code = p.waitFor(T);
            return new Run(code, p.stdout(), p.stderr());
        }
    }
}
