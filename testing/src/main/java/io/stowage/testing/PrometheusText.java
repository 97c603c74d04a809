package io.stowage.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The samples of a Prometheus text exposition, looked up by metric name and some of their labels. */
public final class PrometheusText {
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? (\\S+)(?: \\d+)?");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final List<Sample> samples;

    private PrometheusText(List<Sample> samples) {
        this.samples = samples;
    }

    public static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a sample line: " + line);
            }
            Map<String, String> labels = new HashMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
        }
        return new PrometheusText(samples);
    }

    /**
     * The sum of every sample of {@code metric} whose label text contains each of {@code labels}
     * (written as in the exposition, e.g. {@code method="PutBatch"}); 0 when there is none.
     */
    public static double sum(String exposition, String metric, String... labels) {
        List<String> pairs = new ArrayList<>();
        for (String label : labels) {
            Matcher l = LABEL.matcher(label);
            if (!l.matches()) {
                throw new IllegalArgumentException("not a label: " + label + " (write name=\"value\")");
            }
            pairs.add(l.group(1));
            pairs.add(l.group(2));
        }
        double total = 0;
        for (Sample s : parse(exposition).find(metric, pairs.toArray(String[]::new))) {
            total += s.value();
        }
        return total;
    }

    /**
     * The value of the one sample named {@code name} that has these labels (and maybe others),
     * given as name, value, name, value...
     */
    public double value(String name, String... labels) {
        List<Sample> found = find(name, labels);
        if (found.size() != 1) {
            throw new AssertionError("expected one sample " + name + " " + List.of(labels) + ", found " + found
                    + "; samples of that name: " + find(name));
        }
        return found.get(0).value();
    }

    public boolean has(String name, String... labels) {
        return !find(name, labels).isEmpty();
    }

    private List<Sample> find(String name, String... labels) {
        List<Sample> found = new ArrayList<>();
        for (Sample s : samples) {
            if (s.name().equals(name) && s.hasLabels(labels)) {
                found.add(s);
            }
        }
        return found;
    }

    public record Sample(String name, Map<String, String> labels, double value) {
        boolean hasLabels(String... pairs) {
            for (int i = 0; i + 1 < pairs.length; i += 2) {
                if (!pairs[i + 1].equals(labels.get(pairs[i]))) {
                    return false;
                }
            }
            return true;
        }
    }
}
