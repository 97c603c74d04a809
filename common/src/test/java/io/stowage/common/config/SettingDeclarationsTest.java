package io.stowage.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingDeclarationsTest {

    /** A holder as the config classes are: settings first, then the list made from them. */
    static final class Holder {
        static final Setting<String> FIRST = Setting.of("STOWAGE_T_FIRST", "a", "first", Values::string);
        static final Setting<Integer> SECOND = Setting.of("STOWAGE_T_SECOND", "1", "second", Values::positiveInt);
        static final String NOT_A_SETTING = "ignored";
        static final Setting<Boolean> THIRD = Setting.of("STOWAGE_T_THIRD", "false", "third", Values::bool);
        static final List<Setting<?>> ALL = Setting.declaredIn(Holder.class, ProcessSettings.class);
    }

    @Test
    void declaredInListsEveryDeclaredSettingInDeclarationOrder() {
        assertThat(Holder.ALL).extracting(Setting::env).containsExactly("STOWAGE_T_FIRST", "STOWAGE_T_SECOND",
                "STOWAGE_T_THIRD", "STOWAGE_HTTP_ADDRESS", "STOWAGE_HTTP_PORT", "STOWAGE_SHUTDOWN_GRACE");
    }

    @Test
    void theHttpEndpointListensOnLoopbackPort8080ByDefault() {
        SettingsSource none = new SettingsSource(Map.of(), Map.of());
        assertThat(none.get(ProcessSettings.HTTP_ADDRESS)).isEqualTo("127.0.0.1");
        assertThat(none.get(ProcessSettings.HTTP_PORT)).isEqualTo(8080);
    }

    @Test
    void aDeprecatedNameIsStillReadAsVariableButTheNewNameWins() {
        Setting<Duration> grace = ProcessSettings.SHUTDOWN_GRACE;
        assertThat(new SettingsSource(Map.of(), Map.of("STOWAGE_SHUTDOWN_TIMEOUT", "7s")).get(grace))
                .isEqualTo(Duration.ofSeconds(7));
        assertThat(new SettingsSource(Map.of(), Map.of("STOWAGE_SHUTDOWN_TIMEOUT", "7s",
                "STOWAGE_SHUTDOWN_GRACE", "9s")).get(grace)).isEqualTo(Duration.ofSeconds(9));
        assertThat(grace.deprecatedFlag()).contains("--shutdown-timeout");
    }

    @Test
    void aSettingWithoutAnOldNameHasNone() {
        assertThat(ProcessSettings.HTTP_PORT.deprecatedEnv()).isEmpty();
    }
}
