package io.stowage.bench;

/** Reads a value out of a Prometheus text exposition (what {@code /metrics} answers). */
final class PrometheusText {
    private PrometheusText() {}

    /**
     * The sum of every sample of {@code metric} whose labels contain each of {@code labels}
     * (written as in the exposition, e.g. {@code method="PutBatch"}); 0 when there is none.
     */
    static double sum(String exposition, String metric, String... labels) {
        double total = 0;
        for (String line : exposition.split("\n")) {
            if (line.startsWith("#") || !line.startsWith(metric)) {
                continue;
            }
            String rest = line.substring(metric.length());
            if (!rest.startsWith("{") && !rest.startsWith(" ")) {
                continue; // another metric whose name starts the same
            }
            int end = rest.startsWith("{") ? rest.lastIndexOf('}') + 1 : 0;
            String labelText = rest.substring(0, end);
            boolean matches = true;
            for (String label : labels) {
                matches &= labelText.contains(label);
            }
            if (matches) {
                total += Double.parseDouble(rest.substring(end).trim().split("\\s+")[0]);
            }
        }
        return total;
    }
}
