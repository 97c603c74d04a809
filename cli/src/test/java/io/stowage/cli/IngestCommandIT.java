package io.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stowage.api.v1.ScanRequest;
import io.stowage.api.v1.ScanResult;
import io.stowage.client.StowageClient;
import io.stowage.common.config.SettingsSource;
import io.stowage.embedded.LocalKafka;
import io.stowage.embedded.LocalPostgres;
import io.stowage.server.StowageServer;
import io.stowage.server.config.JdbcTarget;
import io.stowage.server.config.ServerConfig;
import io.stowage.testing.StowageProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/stowage ingest} as a process, killed without warning in the middle of its work. */
class IngestCommandIT {
    @TempDir
    Path dir;

    @Test
    void aWorkerKilledMidwayAndRestartedLosesNothingAndDuplicatesNothing() throws Exception {
        try (LocalKafka kafka = LocalKafka.startTemporary();
                LocalPostgres pg = LocalPostgres.start(dir.resolve("pg"))) {
            int grpcPort = StowageProcess.freePort();
            ServerConfig config = ServerConfig.from(new SettingsSource(Map.of(), Map.of(
                    "STOWAGE_DATA_DIR", dir.toString(), "STOWAGE_GRPC_HOST", "127.0.0.1",
                    "STOWAGE_GRPC_PORT", String.valueOf(grpcPort), "STOWAGE_HTTP_PORT", "0",
                    "STOWAGE_CLEAN_INTERVAL", "off")));
            try (StowageServer server = StowageServer.start(config, new JdbcTarget(pg.jdbcUrl(), pg.user(), pg.password()));
                    StowageClient client = StowageClient.builder("127.0.0.1:" + grpcPort).build()) {
                createTopic(kafka, "events", 3);
                Map<String, String> env = Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(),
                        "STOWAGE_SERVER", "127.0.0.1:" + grpcPort, "STOWAGE_HTTP_PORT", "0",
                        "STOWAGE_BATCH_MESSAGES", "200", "STOWAGE_MAX_IN_FLIGHT_BATCHES", "2");
                AtomicLong produced = new AtomicLong();
                AtomicBoolean producing = new AtomicBoolean(true);
                Thread producer = new Thread(() -> produce(kafka, "events", produced, producing));
                producer.start();

                try (StowageProcess first = StowageProcess.start(env, "ingest")) {
                    first.awaitOutput("ingest worker is running", Duration.ofSeconds(90));
                    await().atMost(Duration.ofSeconds(90)).until(() -> count(client) >= 3000);
                } // SIGKILL while records keep coming: no shutdown, no final commit
                long atKill = count(client);

                try (StowageProcess second = StowageProcess.start(env, "ingest")) {
                    second.awaitOutput("ingest worker is running", Duration.ofSeconds(90));
                    Thread.sleep(1000); // let records arrive while the new worker runs too
                    producing.set(false);
                    producer.join();
                    long total = produced.get();
                    await().atMost(Duration.ofSeconds(120)).until(() -> count(client) >= total);

                    Set<String> positions = new HashSet<>();
                    try (var results = client.scan(ScanRequest.newBuilder().setStream("events").setIdsOnly(true).build())) {
                        results.forEach((ScanResult r) -> assertThat(positions.add(r.getKafkaPartition() + "@"
                                + r.getKafkaOffset())).as("archived twice: %s", r.getId()).isTrue());
                    }
                    assertThat(positions).hasSize((int) total);
                    assertThat(atKill).as("the kill came in the middle of the work").isLessThan(total);
                    assertThat(second.terminate(Duration.ofSeconds(60))).isIn(0, 143);
                    assertThat(second.stderr()).contains("Ingest worker stopped");
                }
            }
        }
    }

    private static long count(StowageClient client) {
        try (var results = client.scan(ScanRequest.newBuilder().setStream("events").setIdsOnly(true).build())) {
            return results.count();
        }
    }

    private static void createTopic(LocalKafka kafka, String topic, int partitions) throws Exception {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", kafka.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(30)).until(() -> admin.describeTopics(List.of(topic)).allTopicNames()
                    .get().get(topic).partitions().stream().allMatch(x -> x.leader() != null && !x.leader().isEmpty()));
        }
    }

    private static void produce(LocalKafka kafka, String topic, AtomicLong produced, AtomicBoolean producing) {
        Properties p = new Properties();
        p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        p.setProperty(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            long i = 0;
            while (producing.get()) {
                for (int n = 0; n < 100; n++, i++) {
                    producer.send(new ProducerRecord<>(topic, ("k" + i).getBytes(StandardCharsets.UTF_8),
                            ("record " + i).getBytes(StandardCharsets.UTF_8))).get();
                    produced.incrementAndGet();
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
