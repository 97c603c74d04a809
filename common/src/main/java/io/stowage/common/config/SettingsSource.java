package io.stowage.common.config;

import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where setting values come from: command-line flags first, then environment variables, then
 * the declared default. Flags are keyed by their environment variable name.
 */
public final class SettingsSource {
    private static final Logger log = LoggerFactory.getLogger(SettingsSource.class);

    private final Map<String, String> flags;
    private final Map<String, String> env;

    public SettingsSource(Map<String, String> flags, Map<String, String> env) {
        this.flags = Map.copyOf(flags);
        this.env = Map.copyOf(env);
    }

    /** Values from the process environment only. */
    public static SettingsSource fromEnvironment() {
        return new SettingsSource(Map.of(), System.getenv());
    }

    /** The value of {@code setting}, or empty when it is unset and has no default. */
    public <T> Optional<T> find(Setting<T> setting) {
        String flag = flags.get(setting.env());
        if (flag != null) {
            return Optional.of(setting.parse(flag, "flag " + setting.flag()));
        }
        String fromEnv = env.get(setting.env());
        if (fromEnv != null && !fromEnv.isBlank()) {
            return Optional.of(setting.parse(fromEnv, "the environment"));
        }
        Optional<String> old = setting.deprecatedEnv().map(env::get).filter(v -> !v.isBlank());
        if (old.isPresent()) {
            String oldEnv = setting.deprecatedEnv().get();
            log.warn("{} is deprecated and will be removed: rename it to {}", oldEnv, setting.env());
            return Optional.of(setting.parse(old.get(), "the environment (" + oldEnv + ")"));
        }
        return setting.defaultText().map(d -> setting.parse(d, "its default"));
    }

    /** The value of {@code setting}; fails with a message naming it when it is unset. */
    public <T> T get(Setting<T> setting) {
        return find(setting).orElseThrow(() -> new ConfigException(
                setting.env() + " (" + setting.flag() + ") is required: " + setting.description()));
    }

    /** The raw environment, for settings that pass through by prefix (such as KAFKA_*). */
    public Map<String, String> environment() {
        return env;
    }
}
