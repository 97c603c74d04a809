package io.stowage.cli;

import io.stowage.common.config.Setting;
import io.stowage.ingest.IngestConfig;
import io.stowage.server.config.ServerConfig;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Prints every setting as the README's configuration table. */
@Command(name = "settings", mixinStandardHelpOptions = true,
        description = "Print every setting (environment variable, flag, default, meaning) as a Markdown table.")
final class SettingsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.print(Settings.markdown());
        return StowageCommand.ExitCodes.OK;
    }

    /** The tables, per command. */
    static final class Settings {
        private Settings() {}

        static String markdown() {
            return "### stowage server\n\n" + SettingOptions.markdownTable(ServerConfig.SETTINGS)
                    + "\n### stowage ingest\n\n" + SettingOptions.markdownTable(IngestConfig.SETTINGS)
                    + "\n### stowage dev\n\nThe settings of both, except that dev sets the Kafka and server addresses"
                    + " itself, looks for new topics every 2 s unless STOWAGE_TOPIC_REFRESH says otherwise, and leaves"
                    + " out topics whose name ends in -restored (so that a replay into the dev broker is not archived"
                    + " again) unless STOWAGE_VETO says otherwise, and:\n\n" + SettingOptions.markdownTable(
                            Setting.declaredIn(DevCommand.class)) + export();
        }

        /** The export tool's own settings, where this distribution carries it. */
        private static String export() {
            List<Setting<?>> settings = QueryTools.exportSettings();
            return settings.isEmpty() ? "" : "\n### stowage export\n\nThe client settings of stowage ingest (STOWAGE_SERVER,"
                    + " STOWAGE_TOKEN, STOWAGE_TLS*), and for --to s3://bucket/prefix:\n\n"
                    + SettingOptions.markdownTable(settings);
        }
    }
}
