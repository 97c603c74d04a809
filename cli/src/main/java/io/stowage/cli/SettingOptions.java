package io.stowage.cli;

import io.stowage.common.config.Setting;
import io.stowage.common.config.SettingsSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Command-line options made from setting declarations: each setting is a flag, documented with
 * its environment variable and default, so help, flags and variables cannot drift apart.
 */
final class SettingOptions {
    private SettingOptions() {}

    static void addTo(CommandSpec spec, List<Setting<?>> settings) {
        for (Setting<?> s : settings) {
            String def = s.isSecret() ? "" : s.defaultText().map(d -> d.isEmpty() ? " Default: empty." : " Default: " + d + ".")
                    .orElse("");
            // a setting's old name still works: SettingsSource warns when it is read
            String[] names = s.deprecatedFlag().map(old -> new String[] {s.flag(), old}).orElse(new String[] {s.flag()});
            String text = s.description() + def + " Env: " + s.env() + "."
                    + s.deprecatedEnv().map(o -> " Formerly " + o + " (deprecated, still read).").orElse("");
            spec.addOption(OptionSpec.builder(names)
                    .paramLabel("<" + s.flag().substring(2) + ">")
                    .type(String.class)
                    .description(text.replace("%", "%%")) // picocli formats descriptions: "2%" warned in --help
                    .build());
        }
    }

    /** Flags given on the command line, keyed by environment variable, with the process environment. */
    static SettingsSource source(ParseResult parsed, List<Setting<?>> settings) {
        return source(parsed, settings, System.getenv());
    }

    /** As {@link #source(ParseResult, List)}, over the environment {@code env}. */
    static SettingsSource source(ParseResult parsed, List<Setting<?>> settings, Map<String, String> env) {
        Map<String, String> flags = new HashMap<>();
        for (Setting<?> s : settings) {
            if (parsed.hasMatchedOption(s.flag())) {
                flags.put(s.env(), parsed.matchedOptionValue(s.flag(), ""));
            }
        }
        return new SettingsSource(flags, env);
    }

    /** The Markdown table of {@code settings}, as the README shows it. */
    static String markdownTable(List<Setting<?>> settings) {
        StringBuilder out = new StringBuilder("| Variable | Flag | Default | Meaning |\n|---|---|---|---|\n");
        for (Setting<?> s : settings) {
            String def = s.defaultText().map(d -> d.isEmpty() ? "(empty)" : "`" + d + "`").orElse("(unset)");
            out.append("| `").append(s.env()).append("` | `").append(s.flag()).append("` | ").append(def).append(" | ")
                    .append(s.description().replace("|", "\\|")).append(" |\n");
        }
        return out.toString();
    }
}
