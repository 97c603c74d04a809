package io.stowage.cli;

import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code buf curl}: a gRPC client that learns the API through server reflection, as grpcurl
 * does, so the calls are made the way a user makes them, with JSON and no proto files.
 */
final class BufCurl {
    private final Path buf;
    private final String baseUrl;

    BufCurl(int port) throws IOException {
        this.buf = Path.of(System.getProperty("stowage.buf", "target/tools/buf"));
        if (!Files.isRegularFile(buf)) {
            throw new IllegalStateException("buf is missing at " + buf + ": run the tests with 'make test'");
        }
        buf.toFile().setExecutable(true);
        this.baseUrl = "http://127.0.0.1:" + port + "/";
    }

    /** Calls {@code method} (service/method) with {@code json}; returns stdout, failing on a non-zero exit. */
    String call(String method, String json) throws IOException, InterruptedException {
        Result r = tryCall(method, json);
        if (r.exitCode != 0) {
            throw new AssertionError("buf curl " + method + " exited " + r.exitCode + ": " + r.output);
        }
        return r.output;
    }

    /** Calls and parses the JSON reply into {@code reply}. */
    <T extends Message.Builder> T call(String method, String json, T reply) throws IOException, InterruptedException {
        JsonFormat.parser().merge(call(method, json), reply);
        return reply;
    }

    Result tryCall(String method, String json) throws IOException, InterruptedException {
        return run(method, "--data", json, baseUrl + method);
    }

    /** The methods (service/method) that the server lists through reflection: {@code buf curl --list-methods}. */
    List<String> listMethods() throws IOException, InterruptedException {
        Result r = run("--list-methods", "--list-methods", baseUrl);
        if (r.exitCode != 0) {
            throw new AssertionError("buf curl --list-methods exited " + r.exitCode + ": " + r.output);
        }
        return r.output.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    private Result run(String what, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(buf.toString(), "curl", "--protocol", "grpc",
                "--http2-prior-knowledge"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("buf curl " + what + " timed out");
        }
        return new Result(p.exitValue(), output);
    }

    record Result(int exitCode, String output) {}
}
