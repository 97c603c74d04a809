package io.stowage.export;

import io.stowage.client.StowageClient;
import io.stowage.common.config.ClientSettings;
import io.stowage.common.config.Setting;
import io.stowage.common.config.SettingsSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * How the export and import tools reach the api-server: the same settings as every other
 * {@code stowage} tool ({@code --server}, token, TLS, as flags or environment variables), turned
 * into a {@link StowageClient}. Tests pass their own {@code connect} to reach an in-process server.
 */
final class ServerConnection {
    private ServerConnection() {}

    /** Adds the client settings to {@code spec} as options, documented with their variables. */
    static CommandSpec withClientOptions(CommandSpec spec) {
        return withOptions(spec, ClientSettings.SETTINGS);
    }

    /** Adds {@code settings} to {@code spec} as options, documented with their variables. */
    static CommandSpec withOptions(CommandSpec spec, List<Setting<?>> settings) {
        for (Setting<?> s : settings) {
            String def = s.isSecret() ? "" : s.defaultText().map(d -> " Default: " + d + ".").orElse("");
            spec.addOption(OptionSpec.builder(s.flag()).paramLabel("<" + s.flag().substring(2) + ">")
                    .type(String.class).description(s.description() + def + " Env: " + s.env() + ".").build());
        }
        return spec;
    }

    static ClientSettings settings(ParseResult parsed) {
        return ClientSettings.from(source(parsed, ClientSettings.SETTINGS));
    }

    /** The values of {@code settings}: the flags given, then the environment. */
    static SettingsSource source(ParseResult parsed, List<Setting<?>> settings) {
        Map<String, String> flags = new HashMap<>();
        for (Setting<?> s : settings) {
            if (parsed.hasMatchedOption(s.flag())) {
                flags.put(s.env(), parsed.matchedOptionValue(s.flag(), ""));
            }
        }
        return new SettingsSource(flags, System.getenv());
    }

    /** The client the settings describe: address, token and TLS. */
    static final Function<ClientSettings, StowageClient> DEFAULT = s -> {
        StowageClient.Builder b = StowageClient.builder(s.server()).token(s.token().orElse(null));
        if (s.tls()) {
            b.tls(s.caFile().orElse(null), s.certFile().orElse(null), s.keyFile().orElse(null));
        }
        return b.build();
    };
}
