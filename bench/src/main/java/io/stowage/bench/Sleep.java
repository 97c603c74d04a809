package io.stowage.bench;

/** Pauses between polls of a condition (the benchmarks poll; they never wait a fixed time for a result). */
final class Sleep {
    private Sleep() {}

    static void millis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
