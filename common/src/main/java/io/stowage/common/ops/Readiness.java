package io.stowage.common.ops;

import java.util.Objects;

/**
 * Whether a process can take work now, and if not, why, in one line that an operator reads in
 * {@code kubectl describe} or in the body of a failed probe.
 */
public record Readiness(boolean ready, String reason) {
    private static final int MAX_REASON = 300;

    public static final Readiness READY = new Readiness(true, "ready");

    public Readiness {
        Objects.requireNonNull(reason);
        reason = oneLine(reason);
    }

    public static Readiness notReady(String reason) {
        return new Readiness(false, reason);
    }

    private static String oneLine(String text) {
        String line = text.replaceAll("\\s+", " ").trim();
        return line.length() <= MAX_REASON ? line : line.substring(0, MAX_REASON - 1) + "…";
    }
}
