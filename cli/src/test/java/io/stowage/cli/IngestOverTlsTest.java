package io.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.stowage.api.v1.Message;
import io.stowage.client.RetryPolicy;
import io.stowage.client.StowageClient;
import io.stowage.client.StowageException;
import io.stowage.common.config.ClientSettings;
import io.stowage.common.config.SettingsSource;
import io.stowage.embedded.LocalKafka;
import io.stowage.ingest.IngestConfig;
import io.stowage.ingest.IngestRuntime;
import io.stowage.server.StowageServer;
import io.stowage.server.auth.Role;
import io.stowage.server.auth.TokenFile;
import io.stowage.server.auth.Tokens;
import io.stowage.server.testing.SecureChannels;
import io.stowage.server.testing.TestPki;
import io.stowage.server.testing.TestPki.Issued;
import io.stowage.server.testing.TestPki.KeyKind;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest worker and the tools against a server that requires mutual TLS and tokens, set up
 * only through the client settings (STOWAGE_TLS_CA, STOWAGE_TLS_CLIENT_CERT, STOWAGE_TOKEN, ...).
 */
class IngestOverTlsTest {
    static final String WORKER_TOKEN = TokenCommand.newToken();
    static final String READER_TOKEN = TokenCommand.newToken();

    @TempDir
    Path dir;

    @Test
    void theWorkerArchivesThroughMutualTlsWithItsToken() throws Exception {
        TestPki.Authority serverCa = TestPki.authority("server ca");
        TestPki.Authority clientCa = TestPki.authority("client ca");
        Issued serverCert = serverCa.server("stowage", KeyKind.EC);
        Issued workerCert = clientCa.client("ingest-worker");
        Path tokens = Files.write(dir.resolve("tokens"), List.of(
                TokenFile.line(Tokens.sha256Hex(WORKER_TOKEN), Set.of(Role.WRITE), "ingest-worker"),
                TokenFile.line(Tokens.sha256Hex(READER_TOKEN), Set.of(Role.READ), "reader")));
        Map<String, String> clientEnv = Map.of(
                "STOWAGE_TLS_CA", serverCa.writeCertificate(dir.resolve("ca.pem")).toString(),
                "STOWAGE_TLS_CLIENT_CERT", workerCert.writeCertificate(dir.resolve("worker.pem")).toString(),
                "STOWAGE_TLS_CLIENT_KEY", workerCert.writeKey(dir.resolve("worker-key.pem")).toString());

        try (StowageServer server = SecureChannels.startServer("ingest over tls", dir.resolve("data"), Map.of(
                "STOWAGE_TLS_CERT", serverCert.writeCertificate(dir.resolve("server.pem")).toString(),
                "STOWAGE_TLS_KEY", serverCert.writeKey(dir.resolve("server-key.pem")).toString(),
                "STOWAGE_TLS_CLIENT_CA", clientCa.writeCertificate(dir.resolve("client-ca.pem")).toString(),
                "STOWAGE_TOKENS_FILE", tokens.toString()));
                LocalKafka kafka = LocalKafka.startTemporary()) {
            String target = "localhost:" + server.port();
            Map<String, String> workerEnv = new HashMap<>(clientEnv);
            workerEnv.putAll(Map.of("KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers(), "STOWAGE_SERVER", target,
                    "STOWAGE_TOKEN", WORKER_TOKEN, "STOWAGE_TOPICS", "secure-.*", "STOWAGE_HTTP_PORT", "0",
                    "STOWAGE_LINGER", "10ms"));
            IngestConfig config = IngestConfig.from(new SettingsSource(Map.of(), workerEnv));
            produce(kafka, "secure-alerts", "alert-1", "{\"mag\":4.2}");

            try (IngestRuntime worker = IngestRuntime.start(config, ClientOptions.builder(config.client()));
                    StowageClient reader = client(clientEnv, target, READER_TOKEN);
                    StowageClient workerAsReader = client(clientEnv, target, WORKER_TOKEN)) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(reader.get(List.of("alert-1")))
                        .extracting(Message::getId).containsExactly("alert-1"));
                assertThat(reader.get(List.of("alert-1")).get(0).getBinaryData().toStringUtf8())
                        .isEqualTo("{\"mag\":4.2}");
                assertThat(worker.isRunning()).isTrue();
                // the worker's token is the one sent, and it may only write
                assertThatThrownBy(() -> workerAsReader.get(List.of("alert-1")))
                        .isInstanceOfSatisfying(StowageException.class,
                                e -> assertThat(e.code()).isEqualTo(Status.Code.PERMISSION_DENIED));
            }
        }
    }

    private static StowageClient client(Map<String, String> tlsEnv, String target, String token) {
        Map<String, String> env = new HashMap<>(tlsEnv);
        env.putAll(Map.of("STOWAGE_SERVER", target, "STOWAGE_TOKEN", token));
        return ClientOptions.builder(ClientSettings.from(new SettingsSource(Map.of(), env)))
                .retry(RetryPolicy.NONE).build();
    }

    private static void produce(LocalKafka kafka, String topic, String id, String value) throws Exception {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", kafka.bootstrapServers());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null,
                    value.getBytes(StandardCharsets.UTF_8));
            record.headers().add("ce_id", id.getBytes(StandardCharsets.UTF_8));
            producer.send(record).get();
        }
    }
}
