package io.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stowage.api.v1.GetBatchResponse;
import io.stowage.testing.StowageProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
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
                // where a replay into the dev broker writes: dev leaves it out
                producer.send(new ProducerRecord<>("demo-restored", "{}".getBytes(StandardCharsets.UTF_8))).get();
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

            String serverMetrics = http(serverHttp, "/metrics");
            String workerMetrics = http(workerHttp, "/metrics");
            assertThat(serverMetrics).contains("grpc").contains("stowage_clean_duration_seconds");
            assertThat(workerMetrics).contains("stowage_ingest_records_stored_total{topic=\"demo\"}")
                    .contains("stowage_ingest_stored_bytes_total").contains("stowage_ingest_put_batch_seconds_bucket")
                    .doesNotContain("topic=\"demo-restored\"");
            assertThat(MetricsConventions.problems(serverMetrics)).as("server /metrics").isEmpty();
            assertThat(MetricsConventions.problems(workerMetrics)).as("worker /metrics").isEmpty();
            for (String page : new String[] {serverMetrics, workerMetrics}) {
                MetricsConventions.promtool(page).ifPresent(report -> assertThat(report).startsWith("exit 0"));
            }
            assertThat(http(workerHttp, "/readyz")).isEqualTo("200");

            String psql = psqlLine(dev.stdout());
            assertThat(psql(psql, "SELECT obj_description('messages'::regclass)")).contains("One row per stored message");

            dev.terminate(Duration.ofSeconds(60));
            assertThat(dev.stderr()).contains("Ingest worker stopped").contains("api-server stopped");

            try (StowageProcess again = StowageProcess.start(env, "dev")) {
                again.awaitOutput("Stop with Ctrl-C.", Duration.ofSeconds(120));
                assertThat(psqlLine(again.stdout())).as("the psql line of a restart").isEqualTo(psql);
                again.terminate(Duration.ofSeconds(60));
            }
        }
    }

    @Test
    void aTakenKafkaPortIsNamedWithTheSettingThatMovesIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Map<String, String> env = Map.of("STOWAGE_DATA_DIR", dataDir.toString(),
                    "STOWAGE_DEV_KAFKA_PORT", String.valueOf(taken.getLocalPort()),
                    "STOWAGE_GRPC_PORT", String.valueOf(StowageProcess.freePort()),
                    "STOWAGE_HTTP_PORT", String.valueOf(StowageProcess.freePort()),
                    "STOWAGE_DEV_WORKER_HTTP_PORT", String.valueOf(StowageProcess.freePort()));
            try (StowageProcess dev = StowageProcess.start(env, "dev")) {
                assertThat(dev.waitFor(Duration.ofSeconds(60))).isEqualTo(2);
                assertThat(dev.stderr()).contains("port " + taken.getLocalPort() + " is taken")
                        .contains("STOWAGE_DEV_KAFKA_PORT").doesNotContain("Exception");
                assertThat(dev.stderr().lines()).hasSizeLessThan(4);
            }
        }
    }

    /** The psql command line of the banner. */
    private static String psqlLine(String banner) {
        return banner.lines().filter(l -> l.contains("psql \"")).findFirst()
                .map(l -> l.substring(l.indexOf("psql \""), l.lastIndexOf('"') + 1))
                .orElseThrow(() -> new AssertionError("no psql line in the banner:\n" + banner));
    }

    /** Runs the banner's psql command line, as a person pastes it, with one query. */
    private static String psql(String commandLine, String query) throws Exception {
        assumeTrue(new java.io.File("/usr/bin/psql").canExecute() || System.getenv("PATH").contains("postgresql"),
                "psql is not installed");
        Process p = new ProcessBuilder("bash", "-c", commandLine + " -At -c \"" + query + "\"").redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }

    private static String http(int port, String path) throws Exception {
        HttpResponse<String> rsp = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return path.equals("/readyz") ? String.valueOf(rsp.statusCode()) : rsp.body();
    }
}
