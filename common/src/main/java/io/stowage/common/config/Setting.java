package io.stowage.common.config;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
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
    private final String deprecatedEnv;

    private Setting(String env, String defaultText, String description, ValueParser<T> parser, boolean secret,
            String deprecatedEnv) {
        this.env = Objects.requireNonNull(env);
        this.deprecatedEnv = deprecatedEnv;
        this.flag = flagOf(env);
        this.defaultText = defaultText;
        this.description = Objects.requireNonNull(description);
        this.parser = Objects.requireNonNull(parser);
        this.secret = secret;
    }

    /** A setting whose value is read by {@code parser}; {@code defaultText} may be null (unset). */
    public static <T> Setting<T> of(String env, String defaultText, String description, ValueParser<T> parser) {
        return new Setting<>(env, defaultText, description, parser, false, null);
    }

    /**
     * Every setting declared as a static field of {@code holders}, class by class, each in the order
     * of its declarations (which is the order of help output and the README tables). Lists made this
     * way cannot leave a declared setting out: not of a command's options, nor of the README check.
     * Call it after the declarations, as the initialiser of a field below them.
     */
    public static List<Setting<?>> declaredIn(Class<?>... holders) {
        List<Setting<?>> all = new ArrayList<>();
        for (Class<?> holder : holders) {
            for (Field field : holder.getDeclaredFields()) {
                if (Modifier.isStatic(field.getModifiers()) && field.getType() == Setting.class) {
                    try {
                        field.setAccessible(true);
                        Setting<?> setting = (Setting<?>) field.get(null);
                        if (setting == null) {
                            throw new IllegalStateException(holder.getName() + "." + field.getName()
                                    + " is declared after the list of settings that should hold it: move it up");
                        }
                        if (all.stream().noneMatch(s -> s.env.equals(setting.env))) {
                            all.add(setting);
                        }
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException("cannot read " + holder.getName() + "." + field.getName(), e);
                    }
                }
            }
        }
        return List.copyOf(all);
    }

    /** A setting whose value is never printed (passwords, tokens). */
    public static <T> Setting<T> secret(String env, String description, ValueParser<T> parser) {
        return new Setting<>(env, null, description, parser, true, null);
    }

    /**
     * This setting, also read under the name it had before (environment variable and flag), with a
     * warning that asks for the new name.
     */
    public Setting<T> withDeprecatedName(String oldEnv) {
        return new Setting<>(env, defaultText, description, parser, secret, Objects.requireNonNull(oldEnv));
    }

    public String env() {
        return env;
    }

    /** The environment variable this setting had before, still read (with a warning). */
    public Optional<String> deprecatedEnv() {
        return Optional.ofNullable(deprecatedEnv);
    }

    /** The flag of {@link #deprecatedEnv()}. */
    public Optional<String> deprecatedFlag() {
        return deprecatedEnv().map(Setting::flagOf);
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

    private static String flagOf(String env) {
        return "--" + env.replaceFirst("^(STOWAGE|KAFKA)_", "").toLowerCase().replace('_', '-');
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
