package io.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.api.v1.DeleteBatchResponse;
import io.stowage.api.v1.GetBatchResponse;
import io.stowage.api.v1.PutBatchResponse;
import io.stowage.testing.StowageProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/stowage server} on a real port, called with buf curl through reflection. */
class ServerCommandIT {
    static final String DESIGN_EXAMPLE = """
            {"msgs":[{"id":"3426d090-1b8a-4a09-ac9c-41f2de24d5ac","type":"example.type","source":"example/uri",
              "spec_version":"1.0","attributes":{"subject":{"ce_string":"Yoda"},
              "time":{"ce_timestamp":"1985-05-11T12:02:05.25Z"}},"text_data":"Try not. Do or do not."}]}""";
    static final String ID = "{\"ids\":[\"3426d090-1b8a-4a09-ac9c-41f2de24d5ac\"]}";
    static final Duration START = Duration.ofSeconds(90);

    @TempDir
    Path dataDir;

    @Test
    void servesPutGetAndDeleteToBufCurlOnTheEmbeddedDefault() throws Exception {
        int port = StowageProcess.freePort();
        try (StowageProcess server = StowageProcess.start(env(port), "server")) {
            server.awaitOutput("Stowage api-server is running.", START);
            BufCurl curl = new BufCurl(port);

            PutBatchResponse.Builder put = curl.call("stowage.v1.Messages/PutBatch", DESIGN_EXAMPLE,
                    PutBatchResponse.newBuilder());
            GetBatchResponse.Builder got = curl.call("stowage.v1.Messages/GetBatch", ID, GetBatchResponse.newBuilder());
            DeleteBatchResponse.Builder deleted = curl.call("stowage.v1.Messages/DeleteBatch", ID,
                    DeleteBatchResponse.newBuilder());
            GetBatchResponse.Builder gone = curl.call("stowage.v1.Messages/GetBatch", ID, GetBatchResponse.newBuilder());

            assertThat(put.getAckCount()).isEqualTo(1);
            assertThat(got.getMsgsCount()).isEqualTo(1);
            assertThat(got.getMsgs(0).getTextData()).isEqualTo("Try not. Do or do not.");
            assertThat(got.getMsgs(0).getAttributesOrThrow("subject").getCeString()).isEqualTo("Yoda");
            assertThat(got.getMsgs(0).getAttributesOrThrow("time").getCeTimestamp().getNanos()).isEqualTo(250_000_000);
            assertThat(deleted.getAckCount()).isEqualTo(1);
            assertThat(gone.getMsgsCount()).isZero();
            assertThat(server.stdout()).contains("stowage.v1.Messages/PutBatch").contains("localhost:" + port);
            Matcher metricsUrl = Pattern.compile("metrics +(http://127\\.0\\.0\\.1:\\d+/metrics)")
                    .matcher(server.stdout());
            assertThat(metricsUrl.find()).as("the banner shows the metrics URL").isTrue();
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(metricsUrl.group(1))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).contains("stowage_archive_put_acknowledged_total 1.0")
                    .contains("stowage_grpc_server_requests_total{");
        }
    }

    @Test
    void invalidBatchGetsInvalidArgumentThatNamesTheMessage() throws Exception {
        int port = StowageProcess.freePort();
        try (StowageProcess server = StowageProcess.start(env(port), "server")) {
            server.awaitOutput("Stowage api-server is running.", START);

            BufCurl.Result r = new BufCurl(port).tryCall("stowage.v1.Messages/PutBatch",
                    "{\"msgs\":[{\"id\":\"ok\",\"source\":\"s\",\"spec_version\":\"1.0\",\"type\":\"t\"},{\"id\":\"\"}]}");

            assertThat(r.exitCode()).isNotZero();
            assertThat(r.output()).contains("invalid_argument").contains("message #1").contains("id is empty");
        }
    }

    @Test
    void sigtermStopsGracefullyAndDataSurvivesARestart() throws Exception {
        int port = StowageProcess.freePort();
        try (StowageProcess first = StowageProcess.start(env(port), "server")) {
            first.awaitOutput("Stowage api-server is running.", START);
            new BufCurl(port).call("stowage.v1.Messages/PutBatch", DESIGN_EXAMPLE);

            first.terminate(Duration.ofSeconds(60));

            assertThat(first.stderr()).contains("api-server stopped");
        }
        try (StowageProcess second = StowageProcess.start(env(port), "server")) {
            second.awaitOutput("Stowage api-server is running.", START);
            GetBatchResponse.Builder got = new BufCurl(port).call("stowage.v1.Messages/GetBatch", ID,
                    GetBatchResponse.newBuilder());
            assertThat(got.getMsgsCount()).isEqualTo(1);
        }
    }

    @Test
    void aKilledServerRestartsOnItsDataDirectory() throws Exception {
        int port = StowageProcess.freePort();
        try (StowageProcess first = StowageProcess.start(env(port), "server")) {
            first.awaitOutput("Stowage api-server is running.", START);
            new BufCurl(port).call("stowage.v1.Messages/PutBatch", DESIGN_EXAMPLE);
        } // SIGKILL: no shutdown hook runs, the embedded PostgreSQL is left behind
        try (StowageProcess second = StowageProcess.start(env(port), "server")) {
            second.awaitOutput("Stowage api-server is running.", START);
            GetBatchResponse.Builder got = new BufCurl(port).call("stowage.v1.Messages/GetBatch", ID,
                    GetBatchResponse.newBuilder());
            assertThat(got.getMsgsCount()).isEqualTo(1);
        }
    }

    @Test
    void invalidConfigurationIsExplainedWithExitCode2() throws Exception {
        try (StowageProcess p = StowageProcess.start(env(1), "server", "--grpc-port", "http")) {
            assertThat(p.waitFor(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(p.stderr()).contains("STOWAGE_GRPC_PORT").contains("--grpc-port").contains("whole number");
        }
        try (StowageProcess p = StowageProcess.start(Map.of("STOWAGE_S3_ENDPOINT", "http://localhost:9000"), "server")) {
            assertThat(p.waitFor(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(p.stderr()).contains("STOWAGE_S3_BUCKET");
        }
    }

    @Test
    void helpExplainsTheCommands() throws Exception {
        try (StowageProcess p = StowageProcess.start(Map.of(), "--help")) {
            assertThat(p.waitFor(Duration.ofSeconds(60))).isZero();
            assertThat(p.stdout()).contains("server").contains("Kafka");
        }
        try (StowageProcess p = StowageProcess.start(Map.of(), "server", "--help")) {
            assertThat(p.waitFor(Duration.ofSeconds(60))).isZero();
            assertThat(p.stdout()).contains("STOWAGE_RETENTION").contains("--s3-bucket").contains("Default: 50051");
        }
    }

    private Map<String, String> env(int port) {
        return Map.of("STOWAGE_DATA_DIR", dataDir.toString(), "STOWAGE_GRPC_PORT", String.valueOf(port),
                "STOWAGE_GRPC_HOST", "127.0.0.1", "STOWAGE_HTTP_PORT", "0");
    }
}
