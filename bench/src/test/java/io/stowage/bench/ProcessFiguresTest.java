package io.stowage.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.testing.PrometheusText;
import org.junit.jupiter.api.Test;

class ProcessFiguresTest {

    @Test
    void sumsAMetricOverItsLabelsAndIgnoresLookAlikes() {
        String metrics = """
                # HELP stowage_ingest_records_consumed_total Records read
                # TYPE stowage_ingest_records_consumed_total counter
                stowage_ingest_records_consumed_total{topic="a"} 10.0
                stowage_ingest_records_consumed_total{topic="b",x="}"} 5.0
                stowage_ingest_records_consumed_total_extra 99.0
                stowage_archive_segments_written_total 3.0 1700000000000
                """;
        assertThat(PrometheusText.sum(metrics, "stowage_ingest_records_consumed_total")).isEqualTo(15.0);
        assertThat(PrometheusText.sum(metrics, "stowage_archive_segments_written_total")).isEqualTo(3.0);
        assertThat(PrometheusText.sum(metrics, "absent_total")).isZero();
    }

    @Test
    void sumsOnlyTheSamplesWithTheGivenLabels() {
        String metrics = """
                stowage_grpc_server_duration_seconds_count{code="OK",method="PutBatch",service="stowage.v1.Messages"} 4
                stowage_grpc_server_duration_seconds_count{code="INTERNAL",method="PutBatch",service="stowage.v1.Messages"} 1
                stowage_grpc_server_duration_seconds_count{code="OK",method="GetBatch",service="stowage.v1.Messages"} 9
                """;
        String count = "stowage_grpc_server_duration_seconds_count";
        assertThat(PrometheusText.sum(metrics, count, "method=\"PutBatch\"")).isEqualTo(5);
        assertThat(PrometheusText.sum(metrics, count, "method=\"PutBatch\"", "code=\"OK\"")).isEqualTo(4);
    }

    @Test
    void readsPeakResidentMemoryFromProcStatus() {
        String status = "Name:\tjava\nVmPeak:\t 3000000 kB\nVmHWM:\t  262144 kB\nVmRSS:\t  200000 kB\n";
        assertThat(ProcStatus.parse(status, "VmHWM")).contains(256L * 1024 * 1024);
        assertThat(ProcStatus.parse(status, "VmSwap")).isEmpty();
    }

    @Test
    void threadsOfAPoolCountTogether() {
        assertThat(JfrSummary.threadGroup("grpc-default-executor-12")).isEqualTo("grpc-default-executor-N");
    }

    @Test
    void readsCpuTicksFromProcStatEvenWithSpacesInTheName() {
        String stat = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 5000 0 12 0 1234 56 7 3 20 0 40 0 100 0 0";
        assertThat(ProcCpu.ticks(stat)).isEqualTo(1234 + 56);
        assertThat(ProcCpu.reapedTicks(stat)).isEqualTo(7 + 3);
        assertThat(ProcCpu.seconds(ProcessHandle.current().pid())).isPositive();
    }
}
