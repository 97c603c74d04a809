package io.stowage.bench;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * The flags of {@code make bench BENCH_ARGS="..."}. Sizes left unset take the default of the
 * full run or, with {@code --quick}, of the reduced one.
 */
final class Options {
    static final List<String> BENCHMARKS = List.of("B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8");

    @Option(names = "--quick", description = "A reduced run of every benchmark (a few minutes): smaller sizes, one run each.")
    boolean quick;

    @Option(names = "--runs", description = "Measured runs of each benchmark; the table shows their median. Default 3, quick 1.")
    Integer runs;

    @Option(names = "--records", description = "B1: records produced and archived per run. Default 1000000, quick 100000.")
    Integer records;

    @Option(names = "--record-bytes", description = "B1, B2, B3: bytes of each record value. Default 1024.")
    Integer recordBytes;

    @Option(names = "--partitions", description = "B1: partitions of the topic. Default 6.")
    Integer partitions;

    @Option(names = "--warmup-records", description = "B1: records of each warm-up round (3 to 8 rounds, until the server's CPU per record settles; 1 when quick). Default records/10.")
    Integer warmupRecords;

    @Option(names = "--put-batches", description = "B2: PutBatch calls per run. Default 50, quick 10.")
    Integer putBatches;

    @Option(names = "--batch-messages", description = "B2: messages per PutBatch. Default 1000.")
    Integer batchMessages;

    @Option(names = "--segment-batches", description = "B2: PutBatch calls per run with one segment per message. Default 3, quick 1.")
    Integer segmentBatches;

    @Option(names = "--stored", description = "B3: messages stored before reading (B1's are counted). Default 1000000, quick 100000.")
    Integer stored;

    @Option(names = "--get-batches", description = "B3: GetBatch calls per run. Default 200, quick 50.")
    Integer getBatches;

    @Option(names = "--get-ids", description = "B3: ids per GetBatch. Default 100.")
    Integer getIds;

    @Option(names = "--b8-rows", description = "B8: index rows bulk-loaded before measuring again. Default 50000000, quick 1000000.")
    Integer b8Rows;

    @Option(names = "--only", split = ",", description = "Run only these benchmarks, e.g. --only B1,B6 (B4 and B5 need B1 or B3's data).")
    List<String> only;

    @Option(names = "--worker-heap", description = "-Xmx of the ingest worker (and of Kafka Connect). Default 256m.")
    String workerHeap = "256m";

    @Option(names = "--server-heap", description = "-Xmx of the api-server. Default 1g.")
    String serverHeap = "1g";

    @Option(names = "--jfr", description = "Record the worker and the server with Java Flight Recorder during B1, and the server during B7's measured runs, and print the hottest methods. The recorded servers run under JFR from their start, so every figure of such a run is measured under it: compare it with none other.")
    boolean jfr;

    @Option(names = "--stowage-home", description = "The Stowage checkout whose cli/target holds the built stowage command. Default: the current directory.")
    Path home = Path.of(".");

    @Option(names = "--out", description = "Where to write the JSON results. Default bench/results/latest.json.")
    Path out = Path.of("bench", "results", "latest.json");

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;

    Sizes sizes() {
        int rec = pick(records, 1_000_000, 100_000);
        Set<String> selected = new LinkedHashSet<>();
        for (String b : only == null ? BENCHMARKS : only) {
            String name = b.trim().toUpperCase(Locale.ROOT);
            if (!BENCHMARKS.contains(name)) {
                throw new IllegalArgumentException("--only: unknown benchmark '" + b + "'; choose from " + BENCHMARKS);
            }
            selected.add(name);
        }
        Sizes s = new Sizes(quick, pick(runs, 3, 1), rec, pick(recordBytes, 1024, 1024), pick(partitions, 6, 6),
                warmupRecords != null ? warmupRecords : Math.max(1_000, rec / 10),
                pick(putBatches, 50, 10), pick(batchMessages, 1000, 1000), pick(segmentBatches, 3, 1),
                pick(stored, 1_000_000, 100_000), pick(getBatches, 200, 50), pick(getIds, 100, 100),
                Set.copyOf(selected), workerHeap, serverHeap, jfr, pick(b8Rows, 50_000_000, 1_000_000));
        s.validate();
        return s;
    }

    private int pick(Integer given, int full, int reduced) {
        return given != null ? given : quick ? reduced : full;
    }
}
