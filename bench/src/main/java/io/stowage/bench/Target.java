package io.stowage.bench;

import java.util.Locale;

/**
 * What a figure should reach, as the benchmark issue states it. Targets are reported (pass or
 * short), never enforced: a run on a busy machine must still produce its table.
 */
record Target(Kind kind, double bound, String text) {

    enum Kind {
        /** value / baseline >= bound */
        RATIO_AT_LEAST,
        /** value / baseline <= bound */
        RATIO_AT_MOST,
        /** value >= bound */
        VALUE_AT_LEAST,
        /** value <= bound */
        VALUE_AT_MOST,
        /** met when bound is 1: a condition observed during the run */
        HOLDS
    }

    static Target ratioAtLeast(double bound) {
        return new Target(Kind.RATIO_AT_LEAST, bound, ">= " + fmt(bound) + "x");
    }

    static Target ratioAtMost(double bound) {
        return new Target(Kind.RATIO_AT_MOST, bound, "<= " + fmt(bound) + "x");
    }

    static Target valueAtLeast(double bound, String unit) {
        return new Target(Kind.VALUE_AT_LEAST, bound, ">= " + fmt(bound) + " " + unit);
    }

    static Target valueAtMost(double bound, String unit) {
        return new Target(Kind.VALUE_AT_MOST, bound, "<= " + fmt(bound) + " " + unit);
    }

    static Target holds(boolean held, String text) {
        return new Target(Kind.HOLDS, held ? 1 : 0, text);
    }

    boolean metBy(double value, double ratio) {
        return switch (kind) {
            case RATIO_AT_LEAST -> ratio >= bound;
            case RATIO_AT_MOST -> ratio <= bound;
            case VALUE_AT_LEAST -> value >= bound;
            case VALUE_AT_MOST -> value <= bound;
            case HOLDS -> bound == 1;
        };
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.format(Locale.ROOT, "%s", v);
    }
}
