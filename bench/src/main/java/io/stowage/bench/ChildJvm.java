package io.stowage.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A JVM started by the benchmarks (the api-server, the ingest worker, Kafka Connect), with its
 * output in a log file. Its peak resident memory comes from the kernel ({@code VmHWM}).
 */
final class ChildJvm implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;

    private ChildJvm(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code java <jvmOptions> -cp <classPath> <mainClass> <args>} with the environment
     * of this process less every KAFKA_, STOWAGE_ and AWS_ variable, plus {@code env}.
     */
    static ChildJvm start(String name, List<String> jvmOptions, String classPath, String mainClass, List<String> args,
            Map<String, String> env, Path logDir) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classPath);
        command.add(mainClass);
        command.addAll(args);
        Path log = logDir.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("KAFKA_") || k.startsWith("STOWAGE_") || k.startsWith("AWS_"));
        pb.environment().putAll(env);
        try {
            Files.createDirectories(logDir);
            Process p = pb.start();
            Children.register(p);
            return new ChildJvm(name, p, log);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start " + name + ": " + e.getMessage(), e);
        }
    }

    /** The java that runs the benchmarks, so that every process runs on the same JDK. */
    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString());
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    /** Throws, with the end of its log, when the process has died. */
    void requireAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited with code " + process.exitValue() + "; its log "
                    + log + " ends with:\n" + tail(40));
        }
    }

    /** Peak resident set size in bytes (VmHWM), read while the process runs. */
    long peakRssBytes() {
        return ProcStatus.read(process.pid(), "VmHWM").orElseThrow(() ->
                new IllegalStateException("cannot read the peak memory of " + name + " (pid " + process.pid() + ")"));
    }

    boolean logContains(String text) {
        try {
            return Files.readString(log).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    String tail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }

    /** SIGTERM, so the process shuts down gracefully (and writes its flight recording); killed after 30 s. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        Children.unregister(process);
    }

    /** The processes still running, stopped if the benchmarks end abruptly (Ctrl-C). */
    static final class Children {
        private static final List<Process> RUNNING = new ArrayList<>();

        static {
            Runtime.getRuntime().addShutdownHook(new Thread(Children::stopAll, "bench-stop-children"));
        }

        private Children() {}

        static synchronized void register(Process p) {
            RUNNING.add(p);
        }

        static synchronized void unregister(Process p) {
            RUNNING.remove(p);
        }

        private static synchronized void stopAll() {
            for (Process p : RUNNING) {
                p.destroy();
            }
            for (Process p : RUNNING) {
                try {
                    if (!p.waitFor(10, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                }
            }
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
