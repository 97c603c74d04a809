package io.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.common.config.ProcessSettings;
import io.stowage.common.config.SettingsSource;
import io.stowage.ingest.IngestConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

class SettingOptionsTest {

    @Test
    void aSettingsOldFlagStillWorks() {
        assertThat(ingestSource("--shutdown-timeout", "5s").get(ProcessSettings.SHUTDOWN_GRACE))
                .isEqualTo(Duration.ofSeconds(5));
        assertThat(ingestSource("--shutdown-grace", "7s").get(ProcessSettings.SHUTDOWN_GRACE))
                .isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void theWorkerTakesTheSharedHttpSettings() {
        SettingsSource src = ingestSource("--http-address", "0.0.0.0", "--http-port", "9100");
        assertThat(src.get(ProcessSettings.HTTP_ADDRESS)).isEqualTo("0.0.0.0");
        assertThat(src.get(ProcessSettings.HTTP_PORT)).isEqualTo(9100);
    }

    @Test
    void everyCommandsHelpRendersItsSettingsAsWritten() {
        PrintStream err = System.err;
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        System.setErr(new PrintStream(warnings, true, StandardCharsets.UTF_8));
        StringBuilder help = new StringBuilder();
        try {
            for (CommandLine sub : Main.commandLine().getSubcommands().values()) {
                help.append(sub.getUsageMessage(CommandLine.Help.Ansi.OFF));
            }
        } finally {
            System.setErr(err);
        }
        // picocli formats descriptions: an unescaped "%" made it warn and print the text unformatted
        assertThat(warnings.toString(StandardCharsets.UTF_8)).doesNotContain("picocli WARN");
        assertThat(help.toString().replaceAll("\\s+", " ")).contains("store within 2% of level 1");
    }

    private static SettingsSource ingestSource(String... flags) {
        String[] args = new String[flags.length + 1];
        args[0] = "ingest";
        System.arraycopy(flags, 0, args, 1, flags.length);
        ParseResult parsed = Main.commandLine().parseArgs(args).subcommand();
        return SettingOptions.source(parsed, IngestConfig.SETTINGS);
    }
}
