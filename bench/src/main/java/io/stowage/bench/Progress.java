package io.stowage.bench;

import java.time.Duration;
import java.util.Locale;

/** Progress lines while the benchmarks run, with the time since the start. */
final class Progress {
    private static final long START = System.nanoTime();

    private Progress() {}

    static void say(String format, Object... args) {
        long s = Duration.ofNanos(System.nanoTime() - START).toSeconds();
        System.out.printf(Locale.ROOT, "[%3d:%02d] %s%n", s / 60, s % 60, String.format(Locale.ROOT, format, args));
        System.out.flush();
    }
}
