package io.stowage.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void medianOfAnOddCountIsTheMiddleValue() {
        assertThat(Stats.median(List.of(9.0, 1.0, 5.0))).isEqualTo(5.0);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(Stats.median(List.of(4.0, 1.0, 3.0, 10.0))).isEqualTo(3.5);
    }

    @Test
    void medianOfNothingIsRefused() {
        assertThatThrownBy(() -> Stats.median(List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void percentilesUseTheNearestRank() {
        double[] values = new double[200];
        for (int i = 0; i < values.length; i++) {
            values[i] = 200 - i; // 200 .. 1, unsorted on purpose
        }
        assertThat(Stats.percentile(values, 50)).isEqualTo(100);
        assertThat(Stats.percentile(values, 99)).isEqualTo(198);
        assertThat(Stats.percentile(values, 100)).isEqualTo(200);
        assertThat(Stats.percentile(new double[] {7}, 99)).isEqualTo(7);
    }

    @Test
    void throughputIsPerSecondAndInDecimalMegabytes() {
        Throughput t = new Throughput(1_000, 2_000_000, 500_000_000L);
        assertThat(t.recordsPerSecond()).isEqualTo(2_000);
        assertThat(t.megabytesPerSecond()).isEqualTo(4.0);
    }
}
