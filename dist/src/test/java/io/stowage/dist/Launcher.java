package io.stowage.dist;

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
 * The distribution's {@code bin/stowage} run as a user runs it: a separate process, its output in
 * files rather than pipes (the JDK can drop what a child writes to a pipe while it exits, and the
 * last lines of a shutdown are among those checked).
 */
final class Launcher implements AutoCloseable {
    private final Process process;
    private final Path out;
    private final Path err;

    private Launcher(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    static Launcher start(Path launcher, Path logDir, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile(logDir, "stowage-", ".out");
            Path err = Files.createTempFile(logDir, "stowage-", ".err");
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            return new Launcher(pb.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Runs to the end and returns the exit code. */
    int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("stowage did not finish within " + timeout + describe());
        }
        return process.exitValue();
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

    String describe() {
        return "\nstdout:\n" + stdout() + "\nstderr:\n" + stderr();
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

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
