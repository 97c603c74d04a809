package io.stowage.bench;

import java.util.Optional;

/**
 * One line of the results: a figure of Stowage, the baseline it is compared with (measured in
 * the same run, on the same machine and data), their ratio, and the target when there is one.
 */
record Entry(String name, double value, String unit, String baselineName, double baselineValue,
        String baselineUnit, Optional<Target> target, String note) {

    Entry {
        if (Double.isNaN(value) || Double.isNaN(baselineValue)) {
            throw new IllegalArgumentException(name + ": a figure was not measured");
        }
    }

    static Entry of(String name, double value, String unit, String baselineName, double baselineValue) {
        return new Entry(name, value, unit, baselineName, baselineValue, unit, Optional.empty(), "");
    }

    Entry withTarget(Target t) {
        return new Entry(name, value, unit, baselineName, baselineValue, baselineUnit, Optional.of(t), note);
    }

    Entry withNote(String text) {
        return new Entry(name, value, unit, baselineName, baselineValue, baselineUnit, target, text);
    }

    Entry withBaselineUnit(String u) {
        return new Entry(name, value, unit, baselineName, baselineValue, u, target, note);
    }

    /** value / baseline; infinite when the baseline is 0. */
    double ratio() {
        return baselineValue == 0 ? Double.POSITIVE_INFINITY : value / baselineValue;
    }

    /** "pass" or "short" against the target; empty without one. */
    Optional<Boolean> met() {
        return target.map(t -> t.metBy(value, ratio()));
    }
}
