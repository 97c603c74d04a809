package io.stowage.bench;

import io.stowage.testing.Http;
import io.stowage.testing.PrometheusText;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A running {@code stowage server}: its gRPC address, its metrics, its memory. */
final class ServerProcess implements AutoCloseable {
    private static final Duration READY_WITHIN = Duration.ofSeconds(120);

    private final String name;
    private final ChildJvm process;
    private final int grpcPort;
    private final int httpPort;
    private final String schema;
    private final Store store;

    ServerProcess(String name, ChildJvm process, int grpcPort, int httpPort, String schema, Store store) {
        this.name = name;
        this.process = process;
        this.grpcPort = grpcPort;
        this.httpPort = httpPort;
        this.schema = schema;
        this.store = store;
    }

    void awaitReady() {
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        Http.Answer last = null;
        while (System.nanoTime() < deadline) {
            process.requireAlive();
            last = Http.tryGet("http://127.0.0.1:" + httpPort + "/readyz");
            if (last.status() == 200) {
                return;
            }
            Sleep.millis(200);
        }
        throw new IllegalStateException(name + " was not ready within " + READY_WITHIN.toSeconds() + " s (last answer: "
                + (last == null ? "none" : last.status() + " " + last.body().trim()) + "); see " + process.log());
    }

    /** host:port for a client. */
    String target() {
        return "127.0.0.1:" + grpcPort;
    }

    String schema() {
        return schema;
    }

    Store store() {
        return store;
    }

    /** The sum of a metric's samples from {@code /metrics}. */
    double metric(String metric) {
        return PrometheusText.sum(metrics(), metric);
    }

    /** Everything {@code /metrics} answers now. */
    String metrics() {
        Http.Answer a = Http.tryGet("http://127.0.0.1:" + httpPort + "/metrics");
        if (a.status() != 200) {
            throw new IllegalStateException(name + " /metrics answered " + a.status() + ": " + a.body());
        }
        return a.body();
    }

    long peakRssBytes() {
        return process.peakRssBytes();
    }

    ChildJvm process() {
        return process;
    }

    /**
     * JVM options for a server that will be recorded: a recording from launch, so that JFR
     * instruments the JDK's classes before the warm-up. Started later, that instrumentation
     * deoptimizes what the warm-up compiled, and the profile shows the code recompiling (under
     * such a recording B7's server took 4.5 ms of CPU per batch, under one from launch 1.6-2.5 ms,
     * without JFR 1.3-1.5 ms). Every figure of a server recorded so is measured under JFR.
     */
    static List<String> recordableFromLaunch(boolean jfr) {
        return jfr ? List.of("-XX:StartFlightRecording=name=launch,settings=profile,maxage=2m") : List.of();
    }

    /** Starts a flight recording named {@code recording} (jcmd). */
    void startRecording(String recording) {
        jcmd("JFR.start", "name=" + recording, "settings=profile");
    }

    /** Stops the recording and writes it to {@code file}. */
    void stopRecording(String recording, Path file) {
        jcmd("JFR.stop", "name=" + recording, "filename=" + file.toAbsolutePath());
    }

    private void jcmd(String... command) {
        List<String> cmd = new java.util.ArrayList<>(List.of(jcmdBinary(), String.valueOf(process.pid())));
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run jcmd: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String jcmdBinary() {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        return jcmd.toFile().canExecute() ? jcmd.toString() : "jcmd";
    }

    @Override
    public void close() {
        process.close();
    }

    @Override
    public String toString() {
        return name + " on " + store.label() + " (" + target() + ")";
    }
}
