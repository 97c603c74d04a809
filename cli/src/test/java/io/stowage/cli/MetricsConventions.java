package io.stowage.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a /metrics page (Prometheus text format) against the Prometheus naming conventions, the
 * way {@code promtool check metrics} does for what matters here: every family has HELP and TYPE,
 * counters end in {@code _total}, a unit appears once and as a suffix, and Stowage's timers are
 * histograms. Also runs {@code promtool} itself when it is installed.
 */
final class MetricsConventions {
    private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)( \\S+)?$");
    private static final List<String> UNITS = List.of("seconds", "bytes", "records", "ratio");
    private static final List<String> NON_BASE_UNITS = List.of("milliseconds", "microseconds", "nanoseconds", "ms",
            "kilobytes", "megabytes", "minutes", "hours");

    private MetricsConventions() {}

    /** Every problem of {@code page}, one line each; empty when it follows the conventions. */
    static List<String> problems(String page) {
        Map<String, String> types = new HashMap<>();
        Map<String, Boolean> help = new HashMap<>();
        List<String> problems = new ArrayList<>();
        List<String> sampleNames = new ArrayList<>();
        for (String line : page.split("\n")) {
            if (line.startsWith("# HELP ")) {
                help.put(line.split(" ")[2], true);
            } else if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                types.put(parts[2], parts[3]);
            } else if (!line.isBlank() && !line.startsWith("#")) {
                Matcher m = SAMPLE.matcher(line);
                if (!m.matches()) {
                    problems.add("not a sample line: " + line);
                } else {
                    sampleNames.add(m.group(1));
                }
            }
        }
        for (String sample : sampleNames) {
            if (family(sample, types).isEmpty()) {
                problems.add(sample + ": no # TYPE line");
            }
        }
        for (Map.Entry<String, String> t : types.entrySet()) {
            String name = t.getKey();
            if (!help.containsKey(name)) {
                problems.add(name + ": no # HELP line");
            }
            if (t.getValue().equals("counter") && !name.endsWith("_total")) {
                problems.add(name + ": a counter whose name does not end in _total");
            }
            if (!t.getValue().equals("counter") && name.endsWith("_total")) {
                problems.add(name + ": ends in _total but is a " + t.getValue());
            }
            // Micrometer's timers and distributions come with a "<name>_max" gauge: the unit before _max is its convention
            String base = name.replaceAll("_(total|max)$", "");
            for (String unit : UNITS) {
                int first = (base + "_").indexOf("_" + unit + "_");
                if (first >= 0 && first != (base + "_").lastIndexOf("_" + unit + "_")) {
                    problems.add(name + ": the unit " + unit + " appears twice");
                } else if (first >= 0 && !base.endsWith("_" + unit) && !unit.equals("records")) {
                    // "records" may name what is counted (records_stored_total); a base unit may not sit in the middle
                    problems.add(name + ": the unit " + unit + " is not the suffix");
                }
            }
            for (String unit : NON_BASE_UNITS) {
                if (base.endsWith("_" + unit)) {
                    problems.add(name + ": " + unit + " is not a base unit");
                }
            }
            if (name.startsWith("stowage_") && name.endsWith("_seconds") && !t.getValue().equals("histogram")) {
                problems.add(name + ": a Stowage timer that is a " + t.getValue() + ", not a histogram with buckets");
            }
        }
        return problems;
    }

    private static Optional<String> family(String sample, Map<String, String> types) {
        for (String suffix : List.of("", "_bucket", "_count", "_sum", "_created", "_max")) {
            if (sample.endsWith(suffix)) {
                String name = sample.substring(0, sample.length() - suffix.length());
                if (types.containsKey(name)) {
                    return Optional.of(name);
                }
            }
        }
        return Optional.empty();
    }

    /** What {@code promtool check metrics} says about {@code page}, if promtool is installed. */
    static Optional<String> promtool(String page) throws IOException, InterruptedException {
        Optional<Path> promtool = Optional.ofNullable(System.getenv("PATH")).stream()
                .flatMap(p -> java.util.Arrays.stream(p.split(":"))).map(d -> Path.of(d, "promtool"))
                .filter(Files::isExecutable).findFirst();
        if (promtool.isEmpty()) {
            return Optional.empty();
        }
        Path input = Files.createTempFile("metrics-", ".txt");
        Path output = Files.createTempFile("promtool-", ".txt");
        try {
            Files.writeString(input, page);
            Process p = new ProcessBuilder(promtool.get().toString(), "check", "metrics").redirectInput(input.toFile())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.of("promtool did not finish");
            }
            return Optional.of("exit " + p.exitValue() + "\n" + Files.readString(output, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(input);
            Files.deleteIfExists(output);
        }
    }
}
