package io.stowage.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.client.StowageClient;
import io.stowage.api.v1.Message;
import io.stowage.common.config.SettingsSource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kafka security (SASL, TLS) through the KAFKA_* pass-through, as a secured cluster needs it. */
class KafkaSecurityTest {
    static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required"
            + " username=\"archiver\" password=\"s3cret; with=signs\";";

    @TempDir
    Path dir;

    @Test
    void saslSslWithScramSha512BecomesTheConsumersProperties() throws Exception {
        Path file = Files.writeString(dir.resolve("client.properties"),
                "security.protocol=SASL_PLAINTEXT\nssl.truststore.type=JKS\nclient.dns.lookup=use_all_dns_ips\n");
        IngestConfig config = IngestConfig.from(new SettingsSource(Map.of(), Map.of(
                "KAFKA_BOOTSTRAP_SERVERS", "kafka.scimma.org:9092",
                "KAFKA_PROPERTIES_FILE", file.toString(),
                "KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "KAFKA_SASL_JAAS_CONFIG", JAAS,
                "KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/stowage/kafka-ca.pem",
                "KAFKA_SSL_TRUSTSTORE_TYPE", "PEM",
                "STOWAGE_GROUP_ID", "archiver-stowage")));

        Properties consumer = IngestService.consumerProperties(config);

        assertThat(consumer).containsEntry("bootstrap.servers", "kafka.scimma.org:9092")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config", JAAS)
                .containsEntry("ssl.truststore.location", "/etc/stowage/kafka-ca.pem")
                .containsEntry("ssl.truststore.type", "PEM")
                // from the file, where no variable overrides it
                .containsEntry("client.dns.lookup", "use_all_dns_ips")
                .containsEntry("group.id", "archiver-stowage")
                .containsEntry("isolation.level", "read_committed");

        // the Kafka client takes them as they are (SASL login and TLS set up, no connection yet);
        // with no truststore given it trusts the JVM's certificate authorities, as for a public broker
        Properties usable = new Properties();
        usable.putAll(consumer);
        usable.remove("ssl.truststore.location");
        usable.remove("ssl.truststore.type");
        usable.setProperty("bootstrap.servers", "127.0.0.1:9"); // resolvable without DNS; never contacted
        new KafkaConsumer<>(usable, new ByteArrayDeserializer(), new ByteArrayDeserializer()).close();
    }

    @Test
    void theWorkerArchivesFromAScramSha512Listener() throws Exception {
        String password = "s3cret; with=signs";
        try (ScramKafka kafka = ScramKafka.start(dir.resolve("kafka"), "archiver", password);
                ArchiveForTests archive = new ArchiveForTests(dir.resolve("archive"))) {
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.plaintextClient(),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("alerts", null,
                        "{\"mag\":4.2}".getBytes(StandardCharsets.UTF_8));
                record.headers().add("ce_id", "scram-1".getBytes(StandardCharsets.UTF_8));
                producer.send(record).get(30, TimeUnit.SECONDS);
            }
            Map<String, String> env = new HashMap<>(Map.of(
                    "KAFKA_BOOTSTRAP_SERVERS", kafka.saslBootstrapServers(),
                    "KAFKA_SECURITY_PROTOCOL", "SASL_PLAINTEXT",
                    "KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                    "KAFKA_SASL_JAAS_CONFIG", JAAS.replace("s3cret; with=signs", password),
                    "STOWAGE_SERVER", archive.target(),
                    "STOWAGE_TOPICS", "alerts",
                    "STOWAGE_LINGER", "10ms"));
            IngestConfig config = IngestConfig.from(new SettingsSource(Map.of(), env));

            try (IngestService worker = IngestService.start(config, StowageClient.builder(config.server()),
                    new SimpleMeterRegistry())) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(archive.messagesOf("alerts"))
                        .extracting(Message::getId).containsExactly("scram-1"));
                // the capture's admin calls go over the same SASL listener
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(archive.client()
                        .capture(io.stowage.api.v1.GetCaptureRequest.getDefaultInstance()).getTopicsList())
                        .extracting(io.stowage.api.v1.TopicCapture::getTopic).containsExactly("alerts"));
            }

            // and a wrong password is refused by the broker
            Properties wrong = new Properties();
            wrong.putAll(Map.of("bootstrap.servers", kafka.saslBootstrapServers(), "security.protocol",
                    "SASL_PLAINTEXT", "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config",
                    JAAS.replace("s3cret; with=signs", "guess")));
            try (Admin admin = Admin.create(wrong)) {
                assertThatThrownBy(() -> admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
            }
        }
    }
}
