package io.stowage.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class OptionsTest {

    private static Sizes parse(String... args) {
        Options options = new Options();
        new CommandLine(options).parseArgs(args);
        return options.sizes();
    }

    @Test
    void theFullRunMeasuresAMillionRecordsThreeTimes() {
        Sizes s = parse();
        assertThat(s.quick()).isFalse();
        assertThat(s.runs()).isEqualTo(3);
        assertThat(s.records()).isEqualTo(1_000_000);
        assertThat(s.recordBytes()).isEqualTo(1024);
        assertThat(s.partitions()).isEqualTo(6);
        assertThat(s.stored()).isEqualTo(1_000_000);
        assertThat(s.batchMessages()).isEqualTo(1000);
        assertThat(s.getIds()).isEqualTo(100);
        assertThat(s.benchmarks()).containsExactlyInAnyOrder("B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8");
        assertThat(s.workerHeap()).isEqualTo("256m");
    }

    @Test
    void quickRunsEveryBenchmarkSmallerAndFlagsStillWin() {
        Sizes s = parse("--quick", "--partitions", "3", "--records", "5000");
        assertThat(s.runs()).isEqualTo(1);
        assertThat(s.records()).isEqualTo(5000);
        assertThat(s.warmupRecords()).isEqualTo(1000);
        assertThat(s.partitions()).isEqualTo(3);
        assertThat(s.stored()).isEqualTo(100_000);
        assertThat(s.benchmarks()).hasSize(8);
        assertThat(s.b8Rows()).isEqualTo(1_000_000);
        assertThat(parse("--quick", "--b8-rows", "20000").b8Rows()).isEqualTo(20_000);
        assertThat(parse().b8Rows()).isEqualTo(50_000_000);
    }

    @Test
    void onlyPicksBenchmarksByName() {
        assertThat(parse("--only", "b1,B6").benchmarks()).containsExactlyInAnyOrder("B1", "B6");
        assertThatThrownBy(() -> parse("--only", "B9")).hasMessageContaining("unknown benchmark 'B9'");
    }

    @Test
    void sizesMustBePositiveAndHeapsReadable() {
        assertThatThrownBy(() -> parse("--runs", "0")).hasMessageContaining("--runs must be positive");
        assertThatThrownBy(() -> parse("--worker-heap", "lots")).hasMessageContaining("lots");
        assertThat(Sizes.megabytes("256m")).isEqualTo(256);
        assertThat(Sizes.megabytes("1g")).isEqualTo(1024);
    }
}
