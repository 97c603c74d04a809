package io.stowage.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** The machine the figures come from, so that a reader can tell them from another machine's. */
record Machine(int cores, long memoryBytes, String cpu, String jvm, String os, double[] loadAverage) {

    static Machine describe() {
        return new Machine(Runtime.getRuntime().availableProcessors(), memTotal(), cpuModel(),
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                loadAverageNow());
    }

    /** 1, 5 and 15 minute load averages (Linux), or an empty array elsewhere. */
    static double[] loadAverageNow() {
        return read("/proc/loadavg").map(line -> {
            String[] parts = line.trim().split("\\s+");
            return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1]),
                Double.parseDouble(parts[2])};
        }).orElse(new double[0]);
    }

    String summary() {
        return String.format(Locale.ROOT, "%d cores (%s), %.1f GiB memory, %s, %s", cores, cpu,
                memoryBytes / (1024.0 * 1024 * 1024), jvm, os);
    }

    private static long memTotal() {
        return read("/proc/meminfo").flatMap(text -> text.lines()
                .filter(l -> l.startsWith("MemTotal:"))
                .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024)
                .findFirst()).orElse(-1L);
    }

    private static String cpuModel() {
        return read("/proc/cpuinfo").flatMap(text -> text.lines()
                .filter(l -> l.startsWith("model name"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim())
                .findFirst()).orElse(System.getProperty("os.arch"));
    }

    private static Optional<String> read(String file) {
        try {
            return Optional.of(String.join("\n", Files.readAllLines(Path.of(file))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
