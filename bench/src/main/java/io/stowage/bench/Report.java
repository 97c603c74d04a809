package io.stowage.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The results of one run of the benchmarks: printed as a table and written as JSON. */
record Report(Instant started, Duration took, String mode, Map<String, Object> settings, Machine machine,
        double[] loadAverageAtEnd, List<Entry> entries, Map<String, Integer> retries, List<String> notMeasured) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String[] HEADER = {"Figure", "Value", "Baseline (same run)", "Baseline", "Ratio", "Target", ""};

    /** The table, one line per entry, with the machine above and the notes below. */
    String table() {
        List<String[]> rows = new ArrayList<>();
        rows.add(HEADER);
        for (Entry e : entries) {
            rows.add(new String[] {e.name(), number(e.value()) + " " + e.unit(), e.baselineName(),
                number(e.baselineValue()) + " " + e.baselineUnit(), ratio(e.ratio()),
                e.target().map(Target::text).orElse(""),
                e.met().map(ok -> ok ? "pass" : "short").orElse("")});
        }
        int[] widths = new int[HEADER.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        StringBuilder out = new StringBuilder();
        out.append("Stowage benchmarks (").append(mode).append(") started ").append(started)
                .append(", took ").append(took.toSeconds()).append(" s\n");
        out.append("Machine: ").append(machine.summary()).append('\n');
        out.append("Load average (1/5/15 min) at start ").append(load(machine.loadAverage()))
                .append(", at end ").append(load(loadAverageAtEnd)).append('\n');
        out.append("Settings: ").append(settings).append("\n\n");
        for (int r = 0; r < rows.size(); r++) {
            String[] row = rows.get(r);
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                boolean numeric = r > 0 && (i == 1 || i == 3 || i == 4);
                line.append(numeric ? pad(row[i], widths[i], true) : pad(row[i], widths[i], false));
                line.append(i < row.length - 1 ? "  " : "");
            }
            out.append(line.toString().stripTrailing()).append('\n');
            if (r == 0) {
                out.append("-".repeat(line.toString().stripTrailing().length())).append('\n');
            }
        }
        List<Entry> noted = entries.stream().filter(e -> !e.note().isEmpty()).toList();
        if (!noted.isEmpty()) {
            out.append("\nNotes:\n");
            for (Entry e : noted) {
                out.append("  ").append(e.name()).append(": ").append(e.note()).append('\n');
            }
        }
        if (!notMeasured.isEmpty()) {
            out.append("\nNot measured (Stowage failed; see the logs):\n");
            notMeasured.forEach(what -> out.append("  ").append(what).append('\n'));
        }
        if (!retries.isEmpty()) {
            out.append("\nRetried after a transient failure (the time of the failed attempt is in the figures):\n");
            retries.forEach((what, n) -> out.append("  ").append(n).append(" x ").append(what).append('\n'));
        }
        return out.toString();
    }

    /** The JSON document: each entry has name, value, unit, baseline (name, value, unit) and ratio. */
    String json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("started", started.toString());
        root.put("seconds", took.toMillis() / 1000.0);
        root.put("mode", mode);
        root.set("settings", JSON.valueToTree(settings));
        ObjectNode m = root.putObject("machine");
        m.put("cores", machine.cores());
        m.put("memory_bytes", machine.memoryBytes());
        m.put("cpu", machine.cpu());
        m.put("jvm", machine.jvm());
        m.put("os", machine.os());
        m.set("load_average_at_start", JSON.valueToTree(machine.loadAverage()));
        m.set("load_average_at_end", JSON.valueToTree(loadAverageAtEnd));
        ArrayNode list = root.putArray("entries");
        for (Entry e : entries) {
            ObjectNode o = list.addObject();
            o.put("name", e.name());
            o.put("value", e.value());
            o.put("unit", e.unit());
            ObjectNode b = o.putObject("baseline");
            b.put("name", e.baselineName());
            b.put("value", e.baselineValue());
            b.put("unit", e.baselineUnit());
            if (Double.isFinite(e.ratio())) {
                o.put("ratio", e.ratio());
            } else {
                o.putNull("ratio");
            }
            e.target().ifPresent(t -> o.put("target", t.text()));
            e.met().ifPresent(ok -> o.put("met", ok));
            if (!e.note().isEmpty()) {
                o.put("note", e.note());
            }
        }
        root.set("retries", JSON.valueToTree(retries));
        root.set("not_measured", JSON.valueToTree(notMeasured));
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException("could not write the results as JSON", e);
        }
    }

    void writeJson(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Files.writeString(file, json());
    }

    /** Thousands separated, three significant digits below 100. */
    static String number(double v) {
        if (!Double.isFinite(v)) {
            return String.valueOf(v);
        }
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        return String.format(Locale.ROOT, "%.3f", v);
    }

    static String ratio(double r) {
        return Double.isFinite(r) ? String.format(Locale.ROOT, "%.2fx", r) : "-";
    }

    private static String load(double[] l) {
        if (l.length < 3) {
            return "unknown";
        }
        return String.format(Locale.ROOT, "%.2f/%.2f/%.2f", l[0], l[1], l[2]);
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }
}
