package io.stowage.server.clean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {

    @Test
    void aStreamWithoutOverrideHasTheDefaultPeriod() {
        RetentionPolicy policy = new RetentionPolicy(Optional.of(Duration.ofDays(7)),
                Map.of("audit", Optional.empty(), "fast", Optional.of(Duration.ofMinutes(1))));

        assertThat(policy.periodFor("plain")).contains(Duration.ofDays(7));
        assertThat(policy.periodFor("audit")).isEmpty();
        assertThat(policy.periodFor("fast")).contains(Duration.ofMinutes(1));
        assertThat(RetentionPolicy.KEEP_FOREVER.periodFor("any")).isEmpty();
    }

    @Test
    void theLongestPeriodIsForeverWhenAnyStreamIsKeptForever() {
        Optional<Duration> week = Optional.of(Duration.ofDays(7));

        assertThat(new RetentionPolicy(week, Map.of("fast", Optional.of(Duration.ofMinutes(1)))).longestPeriod())
                .isEqualTo(week);
        assertThat(new RetentionPolicy(week, Map.of("long", Optional.of(Duration.ofDays(30)))).longestPeriod())
                .contains(Duration.ofDays(30));
        assertThat(new RetentionPolicy(week, Map.of("audit", Optional.empty())).longestPeriod()).isEmpty();
        assertThat(new RetentionPolicy(Optional.empty(), Map.of("fast", week)).longestPeriod()).isEmpty();
        assertThat(RetentionPolicy.KEEP_FOREVER.longestPeriod()).isEmpty();
    }

    @Test
    void overridesAreReadInOrderAndForeverMeansKeep() {
        assertThat(RetentionPolicy.parseOverrides("alerts=720h, heartbeat = 24h ,audit=forever"))
                .containsExactly(Map.entry("alerts", Optional.of(Duration.ofHours(720))),
                        Map.entry("heartbeat", Optional.of(Duration.ofHours(24))), Map.entry("audit", Optional.empty()));
        assertThat(RetentionPolicy.parseOverrides("  ")).isEmpty();
    }

    @Test
    void theLastEqualsSignSeparatesTheStreamFromItsPeriod() {
        assertThat(RetentionPolicy.parseOverrides("a=b=1h")).containsExactly(
                Map.entry("a=b", Optional.of(Duration.ofHours(1))));
    }

    @Test
    void malformedOverridesSayWhatIsExpected() {
        assertThatThrownBy(() -> RetentionPolicy.parseOverrides("alerts")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stream=period");
        assertThatThrownBy(() -> RetentionPolicy.parseOverrides("=1h")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RetentionPolicy.parseOverrides("alerts=soon"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("forever");
    }

    @Test
    void overridesCannotBeChangedAfterward() {
        java.util.HashMap<String, Optional<Duration>> overrides = new java.util.HashMap<>();
        RetentionPolicy policy = new RetentionPolicy(Optional.empty(), overrides);
        overrides.put("s", Optional.of(Duration.ofHours(1)));
        assertThat(policy.periodFor("s")).isEmpty();
    }
}
