package io.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stowage.testing.StowageProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Errors a person can act on: what is wrong, where, what to do, and the exit code the README gives. */
class CliErrorsIT {
    static final Duration T = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    ArchiveServerForIT server;

    @BeforeEach
    void start() {
        server = new ArchiveServerForIT(dir.resolve("archive"));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void malformedJsonIsReportedWithFileAndLineInPlainWords() throws Exception {
        Path bad = write("bad.ndjson", "{\"specversion\":\"1.0\",\"id\":\"a\",\"source\":\"s\",\"type\":\"t\"}\n"
                + "{\"specversion\":\"1.0\",\"id\":\"b\",\n");
        Run r = run(server.env(), "put", bad.toString());
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains(bad + " line 2").contains("does not end")
                .doesNotContain("REDACTED").doesNotContain("StreamRead");
    }

    @Test
    void whatTheServerWouldRefuseExitsTwoAndSaysWhereAndWhy() throws Exception {
        Path empty = write("empty-id.json", event(""));
        Run r = run(server.env(), "put", empty.toString());
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains(empty + " line 1").contains("no id");

        Path longId = write("long-id.json", event("x".repeat(300)));
        r = run(server.env(), "put", longId.toString());
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains(longId + " line 1").contains("300 bytes").contains("at most 256 bytes");

        Path big = write("big.ndjson", event("small") + "\n" + event("big", "x".repeat(10 * 1024 * 1024)));
        r = run(server.env(), "put", big.toString());
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains(big + " line 2").contains("'big' is 10.0 MiB").contains("at most 8.0 MiB")
                .doesNotContain("StreamReadConstraints");

        Path huge = write("huge.json", event("huge", "x".repeat(20 * 1024 * 1024)));
        r = run(server.env(), "put", huge.toString());
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains("is 20.0 MiB").contains("at most 8.0 MiB").doesNotContain("StreamReadConstraints");

        // past the tool's own check, the server's INVALID_ARGUMENT is invalid input too
        r = run(server.env(), "put", "--max-message-bytes", "64MiB", big.toString());
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains("the server refused").contains("big");
        assertThat(run(server.env(), "get", "small").code).as("nothing of a refused batch is stored").isEqualTo(3);
    }

    @Test
    void theServerAddressMayBeAUrl() throws Exception {
        Run r = run(Map.of(), "status", "--server", "http://" + server.target() + "/");
        assertThat(r.code).as(r.err).isZero();
        assertThat(r.out).contains("the archive is empty");
    }

    @Test
    void theHttpPortIsRecognisedAndTheGrpcPortNamed() throws Exception {
        Run r = run(Map.of(), "status", "--server", "127.0.0.1:" + server.httpPort());
        assertThat(r.code).isEqualTo(1);
        assertThat(r.err).contains("HTTP port").contains("STOWAGE_GRPC_PORT").contains("50051");
    }

    @Test
    void jsonOutputHasEveryFieldAndNumbersAsNumbers() throws Exception {
        assertThat(run(server.env(), "put", write("one.json", event("n1", "hello")).toString()).code).isZero();
        ObjectMapper json = new ObjectMapper();

        JsonNode status = json.readTree(run(server.env(), "status", "--json").out);
        JsonNode stream = status.path("streams").get(0);
        assertThat(stream.path("messages").isNumber()).as(status.toString()).isTrue();
        assertThat(stream.path("messages").asLong()).isEqualTo(1);
        assertThat(stream.path("bytes").isNumber()).isTrue();

        JsonNode clean = json.readTree(run(server.env(), "clean", "--json").out);
        assertThat(clean.has("expiredMessages")).as(clean.toString()).isTrue();
        assertThat(clean.path("expiredMessages").isNumber()).isTrue();
        assertThat(clean.path("deletedSegments").asLong()).isZero();

        String verifyOut = run(server.env(), "verify", "--json").out.strip();
        JsonNode summary = json.readTree(verifyOut.lines().reduce((a, b) -> b).orElseThrow());
        assertThat(summary.path("problems").isNumber()).as(summary.toString()).isTrue();
        assertThat(summary.path("messagesChecked").asLong()).isEqualTo(1);
    }

    private static String event(String id) {
        return event(id, "d");
    }

    private static String event(String id, String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"errors\",\"type\":\"t\",\"data\":\"" + data
                + "\"}";
    }

    private Path write(String name, String text) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    private static Run run(Map<String, String> env, String... args) throws Exception {
        try (StowageProcess p = StowageProcess.start(env, args)) {
            int code = p.waitFor(T);
            return new Run(code, p.stdout(), p.stderr());
        }
    }

    record Run(int code, String out, String err) {}
}
