package io.stowage.bench;

/**
 * A warm-up that lasts until the server is warm: the JIT of a fresh JVM keeps compiling for
 * hundreds of thousands of messages, so a fixed handful of calls measured the compiler, not the
 * server. Rounds run until a figure of each (a rate, CPU time per call) settles.
 */
final class WarmUp {
    /** Settled: the figure changed by less than this from one round to the next, twice in a row. */
    static final double SETTLED = 0.10;

    private WarmUp() {}

    /** One round of the warm-up, returning its figure. */
    @FunctionalInterface
    interface Round {
        double run(int round) throws Exception;
    }

    /**
     * Runs at least {@code minRounds} rounds, then more until their figure settles, at most
     * {@code maxRounds}; returns how many ran. The least is there because the JIT pauses on a
     * plateau for a few rounds before it compiles the next part (B7's server spent 3.8-4.1 ms of
     * CPU per batch for three rounds, then 1.5 ms from the tenth on).
     */
    static int untilSettled(int minRounds, int maxRounds, Round round) throws Exception {
        double before = Double.NaN;
        int steady = 0;
        int r = 0;
        while (r < maxRounds && (r < minRounds || steady < 2)) {
            r++;
            double figure = round.run(r);
            if (!Double.isFinite(figure) || figure <= 0) {
                steady = 2; // nothing to watch settle (no CPU time on this platform): the least number of rounds
                continue;
            }
            steady = Math.abs(figure - before) < SETTLED * before ? steady + 1 : 0;
            before = figure;
        }
        return r;
    }
}
