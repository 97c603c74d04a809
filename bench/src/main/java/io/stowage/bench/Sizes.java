package io.stowage.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** How much each benchmark does, resolved from the flags. */
record Sizes(boolean quick, int runs, int records, int recordBytes, int partitions, int warmupRecords,
        int putBatches, int batchMessages, int segmentBatches, int stored, int getBatches, int getIds,
        Set<String> benchmarks, String workerHeap, String serverHeap, boolean jfr, int b8Rows) {

    void validate() {
        positive("--runs", runs);
        positive("--records", records);
        positive("--record-bytes", recordBytes);
        positive("--partitions", partitions);
        positive("--warmup-records", warmupRecords);
        positive("--put-batches", putBatches);
        positive("--batch-messages", batchMessages);
        positive("--segment-batches", segmentBatches);
        positive("--stored", stored);
        positive("--get-batches", getBatches);
        positive("--get-ids", getIds);
        positive("--b8-rows", b8Rows);
        heap("--worker-heap", workerHeap);
        heap("--server-heap", serverHeap);
        if (benchmarks.isEmpty()) {
            throw new IllegalArgumentException("--only names no benchmark");
        }
    }

    boolean includes(String benchmark) {
        return benchmarks.contains(benchmark);
    }

    /** For the report: what was measured, in the flags' terms. */
    Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("runs", runs);
        m.put("records", records);
        m.put("record_bytes", recordBytes);
        m.put("partitions", partitions);
        m.put("warmup_records", warmupRecords);
        m.put("put_batches", putBatches);
        m.put("batch_messages", batchMessages);
        m.put("segment_batches", segmentBatches);
        m.put("stored", stored);
        m.put("get_batches", getBatches);
        m.put("get_ids", getIds);
        m.put("b8_rows", b8Rows);
        m.put("benchmarks", Options.BENCHMARKS.stream().filter(benchmarks::contains).toList());
        m.put("worker_heap", workerHeap);
        m.put("server_heap", serverHeap);
        return m;
    }

    /** MiB in a JVM memory size such as 256m or 1g. */
    static double megabytes(String jvmSize) {
        String s = jvmSize.trim().toLowerCase(java.util.Locale.ROOT);
        if (!s.matches("\\d+[kmg]?")) {
            throw new IllegalArgumentException("not a JVM memory size such as 256m or 1g: '" + jvmSize + "'");
        }
        char unit = s.charAt(s.length() - 1);
        if (Character.isDigit(unit)) {
            return Long.parseLong(s) / (1024.0 * 1024);
        }
        long n = Long.parseLong(s.substring(0, s.length() - 1));
        return switch (unit) {
            case 'k' -> n / 1024.0;
            case 'm' -> n;
            default -> n * 1024.0;
        };
    }

    private static void heap(String flag, String size) {
        try {
            megabytes(size);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage());
        }
    }

    private static void positive(String flag, int value) {
        if (value <= 0) {
            throw new IllegalArgumentException(flag + " must be positive, not " + value);
        }
    }
}
