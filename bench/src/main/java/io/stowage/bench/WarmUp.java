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

    /**
     * Where the server's JIT compiler is watched, settled also means it took less than this share
     * of the server's CPU in two rounds in a row: the figure can hold still for a few rounds while the
     * compiler still takes a third of the server's CPU (B7's server did, after ten rounds).
     */
    static final double COMPILED = 0.10;

    /** One round of the warm-up, returning what it measured. */
    @FunctionalInterface
    interface Round {
        Reading run(int round) throws Exception;
    }

    /**
     * A round's figure, and the share of the server's CPU that its JIT compiler took during it
     * (NaN where that is not watched).
     */
    record Reading(double figure, double compilerShare) {
        static Reading of(double figure) {
            return new Reading(figure, Double.NaN);
        }

        boolean compiling() {
            return compilerShare > COMPILED; // false for NaN
        }
    }

    /**
     * Runs at least {@code minRounds} rounds, then more until their figure settles (and the
     * server's JIT compiler is nearly idle, where it is watched), at most {@code maxRounds};
     * returns how many ran. The least is there because the JIT pauses on a
     * plateau for a few rounds before it compiles the next part (B7's server spent 3.8-4.1 ms of
     * CPU per batch for three rounds, then 1.5 ms from the tenth on).
     */
    static int untilSettled(int minRounds, int maxRounds, Round round) throws Exception {
        double before = Double.NaN;
        int steady = 0;
        int quiet = 2; // rounds in a row in which the compiler, where watched, was nearly idle
        int r = 0;
        while (r < maxRounds && (r < minRounds || steady < 2 || quiet < 2)) {
            r++;
            Reading reading = round.run(r);
            quiet = reading.compiling() ? 0 : Double.isNaN(reading.compilerShare()) ? 2 : quiet + 1;
            double figure = reading.figure();
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
