package io.stowage.bench;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code make bench}: runs each benchmark on this machine with in-process Kafka, PostgreSQL and
 * S3 servers and the stowage command in processes of its own, prints one table (each figure, the
 * baseline measured in the same run, their ratio, the target) and writes it as JSON.
 */
@Command(name = "bench", sortOptions = false,
        description = "Stowage measured against the limits of this machine and against a peer (B1-B8).")
public final class Bench implements Callable<Integer> {
    private static final String MAIN_BUCKET = "stowage-bench";
    private static final String MAIN_SCHEMA = "stowage";

    @Mixin
    private Options options = new Options();

    @Spec
    private CommandSpec spec;

    private final List<Entry> entries = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final List<String> notMeasured = new ArrayList<>();
    private final List<String> profiles = new ArrayList<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new Bench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Sizes sizes;
        try {
            sizes = options.sizes();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        Machine machine = Machine.describe();
        Progress.say("Stowage benchmarks %s on %s", sizes.benchmarks(), machine.summary());
        Path home = options.home.toAbsolutePath().normalize();
        Path logDir = home.resolve("bench").resolve("target").resolve("bench-logs");
        Path work = Files.createTempDirectory("stowage-bench-");
        try (Backends backends = Backends.start(work)) {
            Stowage stowage = new Stowage(home, backends, logDir);
            if (sizes.benchmarks().stream().anyMatch(b -> !b.equals("B2") && !b.equals("B7") && !b.equals("B8"))) {
                onMainServer(sizes, backends, stowage, work, logDir);
            }
            if (sizes.includes("B5")) {
                attempt("B5 by stored form", () -> entries.addAll(StoredForms.run(sizes, backends, stowage)));
            }
            if (sizes.includes("B2")) {
                attempt("B2", () -> {
                    PutBatchBench b2 = new PutBatchBench(sizes, backends, stowage, work);
                    entries.addAll(b2.run());
                    notMeasured.addAll(b2.failures());
                });
            }
            if (sizes.includes("B7")) {
                attempt("B7", () -> {
                    SmallBatchBench b7 = new SmallBatchBench(sizes, backends, stowage, work, logDir);
                    entries.addAll(b7.run());
                    profile("api-server, B7 runs", b7.serverRecording());
                });
            }
            if (sizes.includes("B8")) {
                attempt("B8", () -> entries.addAll(new ScaleBench(sizes, backends, stowage, work).run()));
            }
        } finally {
            deleteTree(work);
        }
        Report report = new Report(started, Duration.ofNanos(System.nanoTime() - t0), sizes.quick() ? "quick" : "full",
                sizes.asMap(), machine, Machine.loadAverageNow(), List.copyOf(entries), Flaky.retries(),
                List.copyOf(notMeasured));
        System.out.println();
        System.out.println(report.table());
        profiles.forEach(System.out::println);
        Path out = options.out.isAbsolute() ? options.out : home.resolve(options.out);
        report.writeJson(out);
        System.out.println("Results written to " + out + "; the processes' logs are in " + logDir);
        if (!failures.isEmpty()) {
            System.out.println("\nFailed:");
            failures.forEach(f -> System.out.println("  " + f));
            return 1;
        }
        return 0;
    }

    /** B1 (and B6) fill the S3 server; B3 reads from it, B4 and B5 measure what it holds. */
    private void onMainServer(Sizes sizes, Backends backends, Stowage stowage, Path work, Path logDir) throws Exception {
        Progress.say("Starting the api-server on S3 and PostgreSQL");
        try (ServerProcess server = stowage.server("server-main", MAIN_SCHEMA, new Store.Bucket(MAIN_BUCKET),
                sizes.serverHeap(),
                ServerProcess.recordableFromLaunch(sizes.jfr()))) {
            long[] stored = new long[2]; // records, payload bytes
            if (sizes.includes("B1") || sizes.includes("B6")) {
                attempt("B1", () -> {
                    IngestBench.Outcome o = new IngestBench(sizes, backends, stowage, server, work, logDir).run();
                    stored[0] += o.records();
                    stored[1] += o.payloadBytes();
                    if (sizes.includes("B1")) {
                        entries.addAll(IngestBench.entries(o, sizes));
                    }
                    if (sizes.includes("B6")) {
                        entries.addAll(IngestBench.memoryEntries(o, sizes));
                    }
                    profile("ingest worker, last B1 run", o.workerRecording());
                    profile("api-server, B1 runs", o.serverRecording());
                });
            }
            boolean needsData = sizes.includes("B3") || sizes.includes("B4") || sizes.includes("B5");
            if (needsData && (sizes.includes("B3") || stored[0] == 0)) {
                attempt("filling for B3-B5", () -> {
                    Filler.Filled f = Filler.fillTo(sizes.stored(), backends, server, sizes.recordBytes());
                    stored[0] += f.records();
                    stored[1] += f.payloadBytes();
                });
            }
            if (sizes.includes("B3")) {
                attempt("B3", () -> entries.addAll(new GetBatchBench(sizes, backends, server, MAIN_BUCKET).run()));
            }
            if (sizes.includes("B4")) {
                attempt("B4", () -> entries.addAll(Footprint.index(backends, MAIN_SCHEMA)));
            }
            if (sizes.includes("B5")) {
                attempt("B5", () -> entries.add(Footprint.storage(backends, MAIN_BUCKET, stored[0], stored[1])));
            }
        }
    }

    private void profile(String title, Optional<Path> recording) throws IOException {
        if (recording.isPresent() && Files.exists(recording.get())) {
            profiles.add(JfrSummary.summarize(title, recording.get(), 12));
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    /** Runs one benchmark; a failure is reported and the others still run. */
    private void attempt(String name, Step step) {
        try {
            step.run();
        } catch (Exception | AssertionError e) {
            failures.add(name + ": " + e);
            Progress.say("%s failed: %s", name, e);
            e.printStackTrace(System.out);
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
