package io.stowage.cli;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * One progress display for a restore that writes many partitions at once: records, bytes, rate
 * and ETA per topic and in total, shown every few seconds on standard error (redrawn in place on
 * a terminal), or as JSON objects on standard output with --json. Thread-safe: every partition
 * adds to its topic's counters.
 */
final class RestoreProgress implements AutoCloseable {
    private final Map<String, Counter> topics = new LinkedHashMap<>();
    private final boolean json;
    private final boolean terminal;
    private final PrintStream err = System.err;
    private final long started = System.nanoTime();
    private final ScheduledExecutorService timer;

    /** What is left of each topic, in records. */
    RestoreProgress(Map<String, Long> totals, boolean json) {
        totals.forEach((topic, total) -> topics.put(topic, new Counter(total)));
        this.json = json;
        this.terminal = !json && System.console() != null;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stowage-restore-progress");
            t.setDaemon(true);
            return t;
        });
        long every = terminal ? 500 : 5_000;
        timer.scheduleAtFixedRate(() -> show(false), every, every, TimeUnit.MILLISECONDS);
    }

    void add(String topic, long records, long bytes) {
        Counter c = topics.get(topic);
        c.records.add(records);
        c.bytes.add(bytes);
    }

    long records(String topic) {
        return topics.get(topic).records.sum();
    }

    long bytes(String topic) {
        return topics.get(topic).bytes.sum();
    }

    double seconds() {
        return (System.nanoTime() - started) / 1e9;
    }

    /** Stops the display and shows the last state. */
    @Override
    public void close() {
        timer.shutdownNow();
        show(true);
    }

    private synchronized void show(boolean last) {
        double seconds = Math.max(1e-3, seconds());
        long records = 0;
        long bytes = 0;
        long total = 0;
        StringBuilder perTopic = new StringBuilder();
        for (Map.Entry<String, Counter> e : topics.entrySet()) {
            Counter c = e.getValue();
            long done = c.records.sum();
            records += done;
            bytes += c.bytes.sum();
            total += c.total;
            String line = line(e.getKey(), done, c.bytes.sum(), c.total, seconds, last);
            if (json) {
                System.out.println(line);
            } else if (!terminal) {
                err.println("  " + line);
            } else {
                perTopic.append("  ").append(e.getKey()).append(' ').append(percent(done, c.total));
            }
        }
        String all = line("total", records, bytes, total, seconds, last);
        if (json) {
            System.out.println(all);
            System.out.flush();
        } else if (terminal) {
            err.print("\r" + all + perTopic + "\u001b[K" + (last ? "\n" : ""));
        } else {
            err.println(all);
        }
        err.flush();
    }

    private String line(String name, long done, long bytes, long total, double seconds, boolean last) {
        double rate = done / seconds;
        long eta = rate > 0 && !last ? (long) ((total - done) / rate) : 0;
        if (json) {
            return String.format(Locale.ROOT, "{\"event\":\"progress\",\"topic\":%s,\"records\":%d,\"total\":%d,"
                    + "\"bytes\":%d,\"rate_per_second\":%.1f,\"bytes_per_second\":%.1f,\"eta_seconds\":%d,"
                    + "\"elapsed_seconds\":%.3f}", Output.JSON.getNodeFactory().textNode(name), done, total, bytes, rate,
                    bytes / seconds, eta, seconds);
        }
        return String.format("%s: %,d/%,d records %s, %s, %,.0f records/s, %s/s%s", name, done, total,
                percent(done, total), Output.bytes(bytes), rate, Output.bytes((long) (bytes / seconds)),
                last ? String.format(" in %.1f s", seconds) : String.format(", ETA %d:%02d", eta / 60, eta % 60));
    }

    private static String percent(long done, long total) {
        return total <= 0 ? "100%" : (100 * done / total) + "%";
    }

    private static final class Counter {
        final long total;
        final LongAdder records = new LongAdder();
        final LongAdder bytes = new LongAdder();

        Counter(long total) {
            this.total = total;
        }
    }
}
