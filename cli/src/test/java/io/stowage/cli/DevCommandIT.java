package io.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stowage.api.v1.GetBatchResponse;
import io.stowage.testing.StowageProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/stowage dev}: the whole system in one process. */
class DevCommandIT {
    @TempDir
    Path dataDir;

    @Test
    void archivesWhatAPlainProducerSendsAndServesIt() throws Exception {
        int kafkaPort = StowageProcess.freePort();
        int grpcPort = StowageProcess.freePort();
        int serverHttp = StowageProcess.freePort();
        int workerHttp = StowageProcess.freePort();
        Map<String, String> env = Map.of("STOWAGE_DATA_DIR", dataDir.toString(),
                "STOWAGE_DEV_KAFKA_PORT", String.valueOf(kafkaPort), "STOWAGE_GRPC_PORT", String.valueOf(grpcPort),
                "STOWAGE_HTTP_PORT", String.valueOf(serverHttp), "STOWAGE_DEV_WORKER_HTTP_PORT",
                String.valueOf(workerHttp), "STOWAGE_TOPIC_REFRESH", "1s");
        try (StowageProcess dev = StowageProcess.start(env, "dev")) {
            dev.awaitOutput("Stop with Ctrl-C.", Duration.ofSeconds(120));
            assertThat(dev.stdout()).contains("127.0.0.1:" + kafkaPort).contains("kcat -P -b");

            Properties p = new Properties();
            p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafkaPort);
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>("demo", null,
                        "{\"hello\":\"world\"}".getBytes(StandardCharsets.UTF_8));
                record.headers().add("ce_id", "hello-1".getBytes(StandardCharsets.UTF_8));
                producer.send(record).get();
            }

            BufCurl curl = new BufCurl(grpcPort);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> curl.call(
                    "stowage.v1.Messages/GetBatch", "{\"ids\":[\"hello-1\"]}", GetBatchResponse.newBuilder())
                    .getMsgsCount() == 1);
            GetBatchResponse.Builder got = curl.call("stowage.v1.Messages/GetBatch", "{\"ids\":[\"hello-1\"]}",
                    GetBatchResponse.newBuilder());
            assertThat(got.getMsgs(0).getBinaryData().toStringUtf8()).isEqualTo("{\"hello\":\"world\"}");
            assertThat(got.getMsgs(0).getKafka().getTopic()).isEqualTo("demo");

            assertThat(http(serverHttp, "/metrics")).contains("grpc");
            assertThat(http(workerHttp, "/metrics")).contains("stowage_ingest_records_stored_total");
            assertThat(http(workerHttp, "/readyz")).isEqualTo("200");

            dev.terminate(Duration.ofSeconds(60));
            assertThat(dev.stderr()).contains("Ingest worker stopped").contains("api-server stopped");
        }
    }

    private static String http(int port, String path) throws Exception {
        HttpResponse<String> rsp = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return path.equals("/readyz") ? String.valueOf(rsp.statusCode()) : rsp.body();
    }
}
