package io.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.common.bson.MessageCodec;
import io.stowage.testing.StowageProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The everyday commands, run as a user runs them, against a real server. */
class ToolsIT {
    static final Duration T = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    ArchiveServerForIT server;

    @BeforeEach
    void start() {
        server = new ArchiveServerForIT(dir);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void putGetIdsStatusDeleteAndCleanWork() throws Exception {
        Path events = dir.resolve("events.ndjson");
        Files.writeString(events, """
                {"specversion":"1.0","id":"ce-1","source":"sensors/a","type":"reading","time":"2024-05-01T10:00:00Z","subject":"x","data":{"t":21.5}}
                {"specversion":"1.0","id":"ce-2","source":"sensors/a","type":"reading","time":"2024-05-01T11:00:00Z","data_base64":"AAEC"}
                {"id":"pb-1","source":"sensors/a","spec_version":"1.0","type":"note","text_data":"hello"}
                """);

        Run put = run("put", events.toString());
        assertThat(put.code).isZero();
        assertThat(put.out).contains("stored 3 of 3");

        Run get = run("get", "ce-1", "missing", "-o", dir.resolve("out.bson").toString());
        assertThat(get.code).isEqualTo(3);
        assertThat(get.out).contains("\"id\": \"ce-1\"").contains("{\\\"t\\\":21.5}").contains("application/json");
        assertThat(get.err).contains("not found: missing");
        byte[] bson = Files.readAllBytes(dir.resolve("out.bson"));
        assertThat(MessageCodec.decode(bson).getId()).isEqualTo("ce-1");

        Run ids = run("ids", "--stream", "sensors/a", "--from", "2024-05-01T10:30:00Z", "--json");
        assertThat(ids.code).isZero();
        assertThat(ids.out.lines()).hasSize(2).anySatisfy(l -> assertThat(l).contains("\"id\":\"ce-2\""));

        Run status = run("status");
        assertThat(status.out).contains("sensors/a").contains("3");

        Run delete = run("delete", "ce-2", "nope");
        assertThat(delete.code).isEqualTo(3);
        assertThat(delete.out).contains("deleted 1 of 2");

        Run clean = run("clean");
        assertThat(clean.code).isZero();
        assertThat(clean.out).contains("expired 0 messages").contains("freed");
    }

    @Test
    void putFromStandardInputAndBadInputIsExplained() throws Exception {
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"specversion\":\"1.0\",\"id\":\"x\",\"time\":\"yesterday\"}");
        Run r = run("put", bad.toString());
        assertThat(r.code).isEqualTo(2);
        assertThat(r.err).contains("invalid input").contains("RFC 3339");

        Run missing = run("put", dir.resolve("nothing.json").toString());
        assertThat(missing.code).isEqualTo(2);
        assertThat(missing.err).contains("no such file");
    }

    @Test
    void verifyFindsDamageAndRepairRemovesOrphans() throws Exception {
        Path events = dir.resolve("e.json");
        Files.writeString(events, "[" + String.join(",", Stream.of(1, 2, 3, 4, 5).map(i ->
                "{\"specversion\":\"1.0\",\"id\":\"v" + i + "\",\"source\":\"s\",\"type\":\"t\","
                        + "\"time\":\"2024-05-01T10:00:0" + i + "Z\",\"data\":\"payload-" + i + "\"}").toList()) + "]");
        assertThat(run("put", events.toString()).code).isZero();
        assertThat(run("verify").code).isZero();

        Path segment;
        try (Stream<Path> files = Files.walk(server.segments())) {
            segment = files.filter(p -> p.toString().endsWith(".bson")).findFirst().orElseThrow();
        }
        String text = Files.readString(segment, StandardCharsets.ISO_8859_1);
        byte[] bytes = Files.readAllBytes(segment);
        bytes[text.indexOf("payload-3") + 8] = 'X';
        Files.write(segment, bytes);
        Files.write(segment.resolveSibling("stray.bson"), new byte[] {1, 2, 3});

        Run found = run("verify");
        assertThat(found.code).isEqualTo(3);
        assertThat(found.out).contains("DIGEST_MISMATCH").contains("v3").contains("ORPHAN_OBJECT").contains("stray.bson");
        assertThat(found.err).contains("messages").contains("objects");

        Run repaired = run("verify", "--repair");
        assertThat(repaired.out).contains("(repaired)");
        assertThat(Files.exists(segment.resolveSibling("stray.bson"))).isFalse();
    }

    @Test
    void cleanSaysWhenAnotherServerIsCleaning() {
        List<Run> runs = new java.util.ArrayList<>();
        server.whileAnotherServerCleans(() -> {
            try {
                runs.add(run("clean"));
                runs.add(run("clean", "--json"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(runs.get(0).code).isZero();
        assertThat(runs.get(0).out).contains("skipped: another server").doesNotContain("expired");
        assertThat(runs.get(1).out).contains("\"skipped\":true").contains("\"skipReason\":\"another server");
    }

    @Test
    void anUnreachableServerIsExplained() throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("STOWAGE_SERVER", "127.0.0.1:1"));
        try (StowageProcess p = StowageProcess.start(env, "status")) {
            assertThat(p.waitFor(T)).isEqualTo(1);
            assertThat(p.stderr()).contains("nothing listens on 127.0.0.1:1").contains("STOWAGE_SERVER");
        }
    }

    private Run run(String... args) throws Exception {
        try (StowageProcess p = StowageProcess.start(server.env(), args)) {
            int code = p.waitFor(T);
            return new Run(code, p.stdout(), p.stderr());
        }
    }

    record Run(int code, String out, String err) {}

    static List<String> lines(String s) {
        return s.lines().toList();
    }
}
