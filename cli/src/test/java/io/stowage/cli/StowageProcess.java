package io.stowage.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code bin/stowage} run as a user runs it: a separate process. Its output goes to files rather
 * than pipes: the JDK can drop what a child writes to a pipe while it exits, and the last lines
 * of a shutdown are the ones these tests check.
 */
final class StowageProcess implements AutoCloseable {
    private final Process process;
    private final Path out;
    private final Path err;

    private StowageProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    static Path launcher() {
        return Path.of(System.getProperty("stowage.launcher", "../bin/stowage")).toAbsolutePath().normalize();
    }

    static StowageProcess start(Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(launcher().toString());
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("stowage-", ".out");
            Path err = Files.createTempFile("stowage-", ".err");
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            return new StowageProcess(pb.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs to the end and returns the exit code. */
    int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("stowage did not finish within " + timeout + describe());
        }
        return process.exitValue();
    }

    /** Waits until standard output contains {@code text}. */
    void awaitOutput(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!stdout().contains(text)) {
            if (!process.isAlive()) {
                throw new AssertionError("stowage exited with " + process.exitValue() + " before printing '" + text + "'"
                        + describe());
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("stowage did not print '" + text + "' within " + timeout + describe());
            }
            Thread.sleep(100);
        }
    }

    /** Sends SIGTERM, as an orchestrator does, and waits for the exit. */
    int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        return waitFor(timeout);
    }

    String stdout() {
        return read(out);
    }

    String stderr() {
        return read(err);
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String describe() {
        return "\nstdout:\n" + stdout() + "\nstderr:\n" + stderr();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
