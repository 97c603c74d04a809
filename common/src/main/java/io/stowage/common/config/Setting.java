package io.stowage.common.config;

import java.util.Objects;
import java.util.Optional;

/**
 * One configuration setting, declared once: its environment variable, its command-line flag,
 * its default, what it means and how its text is read. Help output and the README's
 * configuration table are made from these declarations.
 *
 * @param <T> the type of the value
 */
public final class Setting<T> {
    private final String env;
    private final String flag;
    private final String defaultText;
    private final String description;
    private final ValueParser<T> parser;
    private final boolean secret;

    private Setting(String env, String defaultText, String description, ValueParser<T> parser, boolean secret) {
        this.env = Objects.requireNonNull(env);
        this.flag = "--" + env.replaceFirst("^(STOWAGE|KAFKA)_", "").toLowerCase().replace('_', '-');
        this.defaultText = defaultText;
        this.description = Objects.requireNonNull(description);
        this.parser = Objects.requireNonNull(parser);
        this.secret = secret;
    }

    /** A setting whose value is read by {@code parser}; {@code defaultText} may be null (unset). */
    public static <T> Setting<T> of(String env, String defaultText, String description, ValueParser<T> parser) {
        return new Setting<>(env, defaultText, description, parser, false);
    }

    /** A setting whose value is never printed (passwords, tokens). */
    public static <T> Setting<T> secret(String env, String description, ValueParser<T> parser) {
        return new Setting<>(env, null, description, parser, true);
    }

    public String env() {
        return env;
    }

    /** The long command-line flag: {@code STOWAGE_GRPC_PORT} is {@code --grpc-port}. */
    public String flag() {
        return flag;
    }

    public Optional<String> defaultText() {
        return Optional.ofNullable(defaultText);
    }

    public String description() {
        return description;
    }

    public boolean isSecret() {
        return secret;
    }

    /** Reads {@code text}; throws {@link ConfigException} naming this setting when it is invalid. */
    public T parse(String text, String origin) {
        try {
            return parser.parse(text.trim());
        } catch (IllegalArgumentException e) {
            String shown = secret ? "(hidden)" : "'" + text + "'";
            throw new ConfigException(env + " (" + flag + ") from " + origin + ": " + shown + " is invalid: "
                    + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return env;
    }

    /** Reads the text of a setting; throws {@link IllegalArgumentException} saying what it accepts. */
    @FunctionalInterface
    public interface ValueParser<T> {
        T parse(String text);
    }
}
