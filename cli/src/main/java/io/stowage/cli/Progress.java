package io.stowage.cli;

import java.io.PrintStream;
import java.time.Duration;

/**
 * Progress of long work on standard error: a bar with the rate and the time left, redrawn in
 * place on a terminal, or a line every few seconds when stderr is a file or a pipe. For
 * {@code --json}, a JSON object every few seconds on standard output instead.
 */
final class Progress {
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final long LOG_NANOS = 5_000_000_000L;

    private final String what;
    private final long total;
    private final PrintStream err;
    private final boolean terminal;
    private final boolean json;
    private final long started = System.nanoTime();
    /** Starts at the start: the first line comes after a redraw interval, when the rate (and so the ETA) means something. */
    private long shownAt = started;
    private long done;

    /** {@code total} 0 means unknown. */
    Progress(String what, long total) {
        this(what, total, false);
    }

    /** With {@code json}, one line {"event":"progress",...} on standard output every few seconds and at the end. */
    Progress(String what, long total, boolean json) {
        this.what = what;
        this.total = total;
        this.err = System.err;
        this.json = json;
        this.terminal = !json && System.console() != null;
    }

    void advance(long n) {
        update(done + n);
    }

    void update(long newDone) {
        done = newDone;
        long now = System.nanoTime();
        if (now - shownAt >= (terminal ? REDRAW_NANOS : LOG_NANOS)) {
            shownAt = now;
            show(false);
        }
    }

    /** The last line, kept on screen. */
    void finish() {
        show(true);
    }

    long done() {
        return done;
    }

    double ratePerSecond() {
        double seconds = (System.nanoTime() - started) / 1e9;
        return seconds <= 0 ? 0 : done / seconds;
    }

    Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - started);
    }

    private void show(boolean last) {
        double rate = ratePerSecond();
        if (json) {
            System.out.println(String.format(java.util.Locale.ROOT, "{\"event\":\"progress\",\"what\":\"%s\","
                    + "\"done\":%d,\"total\":%d,\"rate_per_second\":%.1f,\"elapsed_seconds\":%.3f}", what.trim(), done,
                    total, rate, elapsed().toMillis() / 1000.0));
            System.out.flush();
            return;
        }
        StringBuilder line = new StringBuilder(what).append(' ');
        if (total > 0) {
            int width = 30;
            int filled = (int) Math.min(width, width * done / total);
            line.append('[').append("=".repeat(filled)).append(filled < width ? ">" : "")
                    .append(" ".repeat(Math.max(0, width - filled - 1))).append("] ")
                    .append(String.format("%3d%% ", 100 * done / total))
                    .append(String.format("%,d/%,d", done, total));
        } else {
            line.append(String.format("%,d", done));
        }
        line.append(String.format("  %,.0f/s", rate));
        if (total > 0 && rate > 0 && !last) {
            long eta = (long) ((total - done) / rate);
            line.append(String.format("  ETA %d:%02d", eta / 60, eta % 60));
        }
        if (last) {
            line.append(String.format("  in %.1f s", elapsed().toMillis() / 1000.0));
        }
        if (terminal) {
            err.print("\r" + line + "\u001b[K" + (last ? "\n" : ""));
        } else {
            err.println(line);
        }
        err.flush();
    }
}
