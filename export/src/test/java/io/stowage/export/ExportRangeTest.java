package io.stowage.export;

import io.stowage.common.layout.PathPart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.common.config.ConfigException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExportRangeTest {
    @Test
    void rangeIsWidenedToWholeHoursSoEveryHourPartitionIsComplete() {
        ExportRange r = ExportRange.of(List.of("a"), null, Instant.parse("2024-05-01T10:30:00Z"),
                Instant.parse("2024-05-01T12:00:01Z"));
        assertThat(r.since()).contains(Instant.parse("2024-05-01T10:00:00Z"));
        assertThat(r.until()).contains(Instant.parse("2024-05-01T13:00:00Z"));
        assertThat(r.covers(Instant.parse("2024-05-01T12:00:00Z"))).isTrue();
        assertThat(r.covers(Instant.parse("2024-05-01T13:00:00Z"))).isFalse();
        assertThat(ExportRange.of(List.of("a"), null, null, Instant.parse("2024-05-01T12:00:00Z")).until())
                .contains(Instant.parse("2024-05-01T12:00:00Z"));
    }

    @Test
    void anEmptyRangeIsRefused() {
        assertThatThrownBy(() -> ExportRange.of(List.of("a"), null, Instant.parse("2024-05-01T10:00:00Z"),
                Instant.parse("2024-05-01T10:00:00Z"))).isInstanceOf(ConfigException.class).hasMessageContaining("--since");
    }

    @Test
    void globsMatchWholeNamesAndQuoteEverythingElse() {
        assertThat(ExportRange.glob("gcn.*").matcher("gcn.notices").matches()).isTrue();
        assertThat(ExportRange.glob("gcn.*").matcher("gcnXnotices").matches()).isFalse();
        assertThat(ExportRange.glob("a?c").matcher("abc").matches()).isTrue();
        assertThat(ExportRange.glob("a?c").matcher("abbc").matches()).isFalse();
    }

    @Test
    void pathNamesStayOnePathPart() {
        assertThat(PathPart.encode("example/uri")).isEqualTo("example%2Furi");
        assertThat(PathPart.encode("../x")).isEqualTo("%2E.%2Fx");
        assertThat(PathPart.encode("")).isEqualTo("%");
        assertThat(PathPart.encode("x".repeat(300))).hasSizeLessThanOrEqualTo(200).doesNotContain("/");
    }
}
