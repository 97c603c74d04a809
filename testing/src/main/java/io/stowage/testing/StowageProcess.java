package io.stowage.testing;

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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@code stowage} launcher ({@code bin/stowage} of the checkout or of a distribution) run as a
 * user runs it: a separate process. Its output goes to files rather than pipes: the JDK can drop
 * what a child writes to a pipe while it exits, and the last lines of a shutdown are among those
 * the tests check.
 */
public final class StowageProcess implements AutoCloseable {
    /** Where {@link #freePort} looks: below the ephemeral range, above the well-known services. */
    private static final int LOW_PORT_BASE = 20_000;
    private static final int LOW_PORTS = 12_000;
    /** Starts at a random place, so that test JVMs one after the other do not walk the same ports. */
    private static final AtomicInteger NEXT_LOW_PORT =
            new AtomicInteger(ThreadLocalRandom.current().nextInt(LOW_PORTS));

    private final Process process;
    private final Path out;
    private final Path err;

    private StowageProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** The checkout's launcher: the system property stowage.launcher, else ../bin/stowage. */
    public static Path launcher() {
        return Path.of(System.getProperty("stowage.launcher", "../bin/stowage")).toAbsolutePath().normalize();
    }

    /** Runs the checkout's launcher; output goes to temporary files. */
    public static StowageProcess start(Map<String, String> env, String... args) {
        return start(launcher(), null, env, args);
    }

    /**
     * Runs {@code launcher} with {@code env} on top of this process's environment; its output goes to
     * files in {@code logDir} (the temporary directory when null).
     */
    public static StowageProcess start(Path launcher, Path logDir, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(List.of(args));
        try {
            Path out = logDir == null ? Files.createTempFile("stowage-", ".out")
                    : Files.createTempFile(logDir, "stowage-", ".out");
            Path err = logDir == null ? Files.createTempFile("stowage-", ".err")
                    : Files.createTempFile(logDir, "stowage-", ".err");
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().putAll(env);
            return new StowageProcess(pb.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    public ProcessHandle handle() {
        return process.toHandle();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Runs to the end and returns the exit code; kills it and fails when it runs longer than {@code timeout}. */
    public int waitFor(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("stowage did not finish within " + timeout + describe());
        }
        return process.exitValue();
    }

    /** Waits until standard output contains {@code text}. */
    public void awaitOutput(String text, Duration timeout) throws InterruptedException {
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
    public int terminate(Duration timeout) throws InterruptedException {
        process.destroy();
        return waitFor(timeout);
    }

    public String stdout() {
        return read(out);
    }

    public String stderr() {
        return read(err);
    }

    /** Both outputs, for an assertion's description. */
    public String describe() {
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

    /**
     * A port that was free a moment ago, for a server the test starts next. It is taken below the
     * range the system gives the local ends of outgoing connections (32768 and up on Linux): a port
     * from that range, as {@code new ServerSocket(0)} gives, can be taken by one of the test's own
     * connections (Kafka, PostgreSQL) before the server binds it. Successive calls in a JVM give
     * different ports.
     */
    public static int freePort() {
        for (int attempt = 0; attempt < LOW_PORTS; attempt++) {
            int port = LOW_PORT_BASE + Math.floorMod(NEXT_LOW_PORT.getAndIncrement(), LOW_PORTS);
            try (ServerSocket s = new ServerSocket(port)) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // another process listens there: try the next one
            }
        }
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
