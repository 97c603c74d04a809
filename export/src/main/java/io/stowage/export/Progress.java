package io.stowage.export;

import java.io.PrintStream;

/**
 * One progress line on standard error: messages, megabytes, their rates, and what is being
 * written; redrawn in place on a terminal, a new line every few seconds otherwise.
 */
final class Progress {
    private static final long REDRAW_NANOS = 250_000_000L;
    private static final long LOG_NANOS = 5_000_000_000L;

    private final String what;
    private final PrintStream err;
    private final boolean terminal;
    private final long started = System.nanoTime();
    private long shownAt = started;
    private long messages;
    private long bytes;
    private String where = "";

    Progress(String what, PrintStream err, boolean terminal) {
        this.what = what;
        this.err = err;
        this.terminal = terminal;
    }

    static Progress onStderr(String what) {
        return new Progress(what, System.err, System.console() != null);
    }

    void add(long messageCount, long byteCount, String at) {
        messages += messageCount;
        bytes += byteCount;
        where = at;
        long now = System.nanoTime();
        if (now - shownAt >= (terminal ? REDRAW_NANOS : LOG_NANOS)) {
            shownAt = now;
            show(false);
        }
    }

    long messages() {
        return messages;
    }

    long bytes() {
        return bytes;
    }

    double seconds() {
        return (System.nanoTime() - started) / 1e9;
    }

    void finish() {
        show(true);
    }

    private void show(boolean last) {
        double s = Math.max(seconds(), 1e-9);
        String line = String.format("%s %,d messages, %,.1f MB  %,.0f msg/s  %,.1f MB/s%s", what, messages,
                bytes / 1e6, messages / s, bytes / 1e6 / s,
                last ? String.format("  in %.1f s", s) : (where.isEmpty() ? "" : "  " + where));
        if (terminal) {
            err.print("\r" + line + "\u001b[K" + (last ? "\n" : ""));
        } else {
            err.println(line);
        }
        err.flush();
    }
}
