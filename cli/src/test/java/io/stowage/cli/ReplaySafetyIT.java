package io.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.embedded.LocalKafka;
import io.stowage.testing.StowageProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restore never doubles a topic by accident, and a disaster recovery stays one command. */
class ReplaySafetyIT {
    static final int RECORDS = 200;
    static final Duration T = Duration.ofSeconds(120);

    @TempDir
    static Path dir;
    static LocalKafka kafka;
    static ArchiveServerForIT server;

    @BeforeAll
    static void archiveATopic() throws Exception {
        kafka = LocalKafka.startTemporary();
        server = new ArchiveServerForIT(dir.resolve("archive"));
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", kafka.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic("orders", 2, (short) 1))).all().get();
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            // recent timestamps: older ones would fall to the broker's default retention (7 days) at once
            long start = System.currentTimeMillis() - RECORDS;
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>("orders", i % 2, start + i,
                        ("k" + i).getBytes(StandardCharsets.UTF_8), ("order " + i).getBytes(StandardCharsets.UTF_8))).get();
            }
        }
        ReplayIT.archive(kafka, server, "orders", RECORDS);

        // records from 2020, in a topic that keeps them
        try (Admin admin = Admin.create(p); KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p,
                new ByteArraySerializer(), new ByteArraySerializer())) {
            admin.createTopics(List.of(new NewTopic("old-orders", 1, (short) 1)
                    .configs(Map.of("retention.ms", "-1")))).all().get();
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>("old-orders", 0, 1_600_000_000_000L + i, null,
                        ("old " + i).getBytes(StandardCharsets.UTF_8))).get();
            }
        }
        ReplayIT.archive(kafka, server, "old-orders", 20);
    }

    @Test
    void aTopicTheReplayCreatesKeepsRecordsOlderThanTheUsualRetention() throws Exception {
        Run r = replay(kafka, "--stream", "old-orders", "--to-topic", "old-orders-restored", "--checkpoint",
                checkpoint("old"));
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.err).contains("set retention.ms=-1 on old-orders-restored");
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", kafka.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "old-orders-restored");
            assertThat(admin.describeConfigs(List.of(topic)).all().get().get(topic).get("retention.ms").value())
                    .isEqualTo("-1");
        }
    }

    @AfterAll
    static void stop() {
        server.close();
        kafka.close();
    }

    @Test
    void replayingIntoTheArchivedTopicItselfIsRefused() throws Exception {
        Run r = replay(kafka, "--checkpoint", checkpoint("self"));
        assertThat(r.code).as(r.err).isEqualTo(2);
        assertThat(r.err).contains("topic orders on " + kafka.bootstrapServers()).contains("already holds 200 records")
                .contains("--to-topic NAME").contains("--append");
        assertThat(ReplayIT.count(kafka, "orders")).isEqualTo(RECORDS);
    }

    @Test
    void aFinishedReplayRunAgainSendsNothing() throws Exception {
        String cp = checkpoint("again");
        Run first = replay(kafka, "--to-topic", "orders-again", "--checkpoint", cp);
        assertThat(first.code).as(first.err).isZero();
        assertThat(first.out).contains("replayed 200 records");

        Run second = replay(kafka, "--to-topic", "orders-again", "--checkpoint", cp);
        assertThat(second.code).as(second.err).isZero();
        assertThat(second.out).contains("already complete").contains("200 records").contains("nothing sent");
        assertThat(ReplayIT.count(kafka, "orders-again")).isEqualTo(RECORDS);

        Run restart = replay(kafka, "--to-topic", "orders-again", "--checkpoint", cp, "--restart");
        assertThat(restart.code).as(restart.err).isEqualTo(2);
        assertThat(restart.err).contains("already holds 200 records");
        assertThat(ReplayIT.count(kafka, "orders-again")).isEqualTo(RECORDS);
    }

    @Test
    void aTopicThatHoldsRecordsTakesThemOnlyWithAppendAndJsonSaysWhatHappened() throws Exception {
        Run fill = replay(kafka, "--to-topic", "orders-twice", "--checkpoint", checkpoint("fill"));
        assertThat(fill.code).as(fill.err).isZero();

        Run refused = replay(kafka, "--to-topic", "orders-twice", "--checkpoint", checkpoint("twice"));
        assertThat(refused.code).isEqualTo(2);
        assertThat(refused.err).contains("topic orders-twice").contains("already holds 200 records").contains("--append");

        Run appended = replay(kafka, "--to-topic", "orders-twice", "--checkpoint", checkpoint("twice"), "--append",
                "--json");
        assertThat(appended.code).as(appended.err).isZero();
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : appended.out.strip().split("\n")) {
            lines.add(json.readTree(line));
        }
        assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l.path("event").asText()).isIn("progress", "summary"));
        assertThat(lines.get(lines.size() - 2).path("event").asText()).isEqualTo("progress");
        assertThat(lines.get(lines.size() - 2).path("done").asLong()).isEqualTo(RECORDS);
        JsonNode summary = lines.get(lines.size() - 1);
        assertThat(summary.path("event").asText()).isEqualTo("summary");
        assertThat(summary.path("records").isNumber()).isTrue();
        assertThat(summary.path("records").asLong()).isEqualTo(RECORDS);
        assertThat(summary.path("complete").asBoolean()).isTrue();
        assertThat(summary.path("per_partition").path("0").asLong() + summary.path("per_partition").path("1").asLong())
                .isEqualTo(RECORDS);
        assertThat(ReplayIT.count(kafka, "orders-twice")).isEqualTo(2L * RECORDS);
    }

    @Test
    void restoringIntoAnotherEmptyClusterUnderTheSameNameIsOneCommand() throws Exception {
        try (LocalKafka other = LocalKafka.startTemporary()) {
            Run r = replay(other, "--keep-partitions", "--checkpoint", checkpoint("dr"));
            assertThat(r.code).as(r.err).isZero();
            assertThat(r.out).contains("replayed 200 records");
            assertThat(ReplayIT.readAll(other, "orders")).isEqualTo(ReplayIT.readAll(kafka, "orders"));
        }
    }

    private static String checkpoint(String name) {
        return dir.resolve(name + ".checkpoint").toString();
    }

    private static Run replay(LocalKafka target, String... more) throws InterruptedException {
        List<String> args = new ArrayList<>(List.of("replay", "--bootstrap", target.bootstrapServers()));
        args.addAll(List.of(more));
        if (!args.contains("--stream")) {
            args.addAll(List.of("--stream", "orders"));
        }
        try (StowageProcess p = StowageProcess.start(Map.of("STOWAGE_SERVER", server.target()),
                args.toArray(new String[0]))) {
            int code = p.waitFor(T);
            return new Run(code, p.stdout(), p.stderr());
        }
    }

    record Run(int code, String out, String err) {}
}
