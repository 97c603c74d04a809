package io.stowage.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ValuesTest {

    @Test
    void durationsTakeUnitsAndCombinations() {
        assertThat(Values.duration("168h")).isEqualTo(Duration.ofHours(168));
        assertThat(Values.duration("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(Values.duration("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(Values.duration("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> Values.duration("soon")).hasMessageContaining("30s");
        assertThatThrownBy(() -> Values.duration("10")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void foreverMeansNoDuration() {
        assertThat(Values.optionalDuration("forever")).isEmpty();
        assertThat(Values.optionalDuration("off")).isEmpty();
        assertThat(Values.optionalDuration("24h")).contains(Duration.ofHours(24));
    }

    @Test
    void sizesTakeBinaryAndDecimalUnits() {
        assertThat(Values.dataSize("4MiB")).isEqualTo(4L * 1024 * 1024);
        assertThat(Values.dataSize("1MB")).isEqualTo(1_000_000L);
        assertThat(Values.dataSize("123")).isEqualTo(123L);
        assertThatThrownBy(() -> Values.dataSize("big")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void flagsWinOverEnvironmentWhichWinsOverDefaults() {
        Setting<Integer> port = Setting.of("STOWAGE_GRPC_PORT", "50051", "port", Values::port);
        assertThat(new SettingsSource(Map.of(), Map.of()).get(port)).isEqualTo(50051);
        assertThat(new SettingsSource(Map.of(), Map.of("STOWAGE_GRPC_PORT", "7000")).get(port)).isEqualTo(7000);
        assertThat(new SettingsSource(Map.of("STOWAGE_GRPC_PORT", "8000"), Map.of("STOWAGE_GRPC_PORT", "7000"))
                .get(port)).isEqualTo(8000);
        assertThat(port.flag()).isEqualTo("--grpc-port");
    }

    @Test
    void invalidValueNamesTheVariableTheFlagAndWhatIsAccepted() {
        Setting<Integer> port = Setting.of("STOWAGE_GRPC_PORT", "50051", "port", Values::port);
        assertThatThrownBy(() -> new SettingsSource(Map.of(), Map.of("STOWAGE_GRPC_PORT", "http")).get(port))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("STOWAGE_GRPC_PORT")
                .hasMessageContaining("--grpc-port")
                .hasMessageContaining("'http'")
                .hasMessageContaining("whole number");
    }

    @Test
    void secretsAreNeverEchoed() {
        Setting<Integer> secret = Setting.secret("STOWAGE_X", "x", Values::positiveInt);
        assertThatThrownBy(() -> new SettingsSource(Map.of(), Map.of("STOWAGE_X", "hunter2")).get(secret))
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void missingRequiredSettingSaysWhatItIs() {
        Setting<String> url = Setting.of("STOWAGE_DB_URL", null, "JDBC URL of the index.", Values::string);
        assertThat(new SettingsSource(Map.of(), Map.of()).find(url)).isEqualTo(Optional.empty());
        assertThatThrownBy(() -> new SettingsSource(Map.of(), Map.of()).get(url))
                .hasMessageContaining("STOWAGE_DB_URL").hasMessageContaining("JDBC URL");
    }
}
