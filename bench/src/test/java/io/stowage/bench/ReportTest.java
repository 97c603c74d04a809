package io.stowage.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTest {
    private static final Machine MACHINE = new Machine(2, 24L << 30, "AMD EPYC", "OpenJDK 17", "Linux",
            new double[] {0.5, 0.4, 0.3});

    private static Report report(List<Entry> entries, Map<String, Integer> retries) {
        return new Report(Instant.parse("2026-01-02T03:04:05Z"), Duration.ofSeconds(90), "quick", Map.of("runs", 1),
                MACHINE, new double[] {1.5, 1.0, 0.5}, entries, retries, List.of("B2 one segment per message on S3"));
    }

    @Test
    void ratioIsValueOverBaselineAndTargetsSayPassOrShort() {
        Entry fast = Entry.of("ingest", 60, "records/s", "raw", 100).withTarget(Target.ratioAtLeast(0.5));
        Entry slow = Entry.of("ingest", 40, "records/s", "raw", 100).withTarget(Target.ratioAtLeast(0.5));
        Entry small = Entry.of("index", 130, "B", "row", 100).withTarget(Target.valueAtMost(120, "B"));
        Entry held = Entry.of("worker", 300, "MiB", "peer", 200).withTarget(Target.holds(true, "runs in -Xmx256m"));

        assertThat(fast.ratio()).isEqualTo(0.6);
        assertThat(fast.met()).contains(true);
        assertThat(slow.met()).contains(false);
        assertThat(small.met()).contains(false);
        assertThat(held.met()).contains(true);
        assertThat(Entry.of("x", 1, "s", "y", 0).ratio()).isInfinite();
        assertThat(Entry.of("x", 1, "s", "y", 2).met()).isEmpty();
    }

    @Test
    void jsonHasEveryEntryWithItsBaselineAndRatio() throws Exception {
        Report r = report(List.of(
                Entry.of("B1 ingest", 45_000, "records/s", "plain consumer", 300_000)
                        .withTarget(Target.ratioAtLeast(0.5)).withNote("median of 3 runs"),
                Entry.of("B3 p99", 12, "ms", "raw GETs p99", 0)), Map.of("PutBatch: INTERNAL", 2));

        JsonNode json = new ObjectMapper().readTree(r.json());

        assertThat(json.get("mode").asText()).isEqualTo("quick");
        assertThat(json.get("machine").get("cores").asInt()).isEqualTo(2);
        assertThat(json.get("machine").get("cpu").asText()).isEqualTo("AMD EPYC");
        assertThat(json.get("machine").get("load_average_at_start").get(0).asDouble()).isEqualTo(0.5);
        JsonNode first = json.get("entries").get(0);
        assertThat(first.get("name").asText()).isEqualTo("B1 ingest");
        assertThat(first.get("value").asDouble()).isEqualTo(45_000);
        assertThat(first.get("unit").asText()).isEqualTo("records/s");
        assertThat(first.get("baseline").get("name").asText()).isEqualTo("plain consumer");
        assertThat(first.get("baseline").get("value").asDouble()).isEqualTo(300_000);
        assertThat(first.get("ratio").asDouble()).isEqualTo(0.15);
        assertThat(first.get("target").asText()).isEqualTo(">= 0.5x");
        assertThat(first.get("met").asBoolean()).isFalse();
        assertThat(first.get("note").asText()).isEqualTo("median of 3 runs");
        JsonNode second = json.get("entries").get(1);
        assertThat(second.get("ratio").isNull()).isTrue();
        assertThat(second.has("target")).isFalse();
        assertThat(json.get("retries").get("PutBatch: INTERNAL").asInt()).isEqualTo(2);
        assertThat(json.get("not_measured").get(0).asText()).isEqualTo("B2 one segment per message on S3");
    }

    @Test
    void tableShowsTheMachineEachFigureItsBaselineAndTheVerdict() {
        String table = report(List.of(Entry.of("B4 index bytes per message", 315, "B", "row data", 122)
                .withTarget(Target.valueAtMost(120, "B"))), Map.of()).table();

        assertThat(table).contains("2 cores (AMD EPYC)", "24.0 GiB", "OpenJDK 17", "0.50/0.40/0.30", "1.50/1.00/0.50");
        assertThat(table.lines().filter(l -> l.startsWith("B4")).findFirst().orElseThrow())
                .contains("315 B", "row data", "122 B", "2.58x", "<= 120 B", "short");
        assertThat(table).doesNotContain("Retried").contains("Not measured", "B2 one segment per message on S3");
    }

    @Test
    void numbersAreReadable() {
        assertThat(Report.number(1_234_567.8)).isEqualTo("1,234,568");
        assertThat(Report.number(45.67)).isEqualTo("45.7");
        assertThat(Report.number(3.14159)).isEqualTo("3.14");
        assertThat(Report.number(0.01234)).isEqualTo("0.012");
        assertThat(Report.ratio(0.256)).isEqualTo("0.26x");
    }
}
