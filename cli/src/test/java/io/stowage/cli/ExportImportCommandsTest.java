package io.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The export and import tools (module export) are subcommands of stowage, with their help and the client settings. */
class ExportImportCommandsTest {
    @Test
    void exportAndImportAreStowageSubcommandsWithTheClientSettings() {
        CommandLine cli = Main.commandLine();
        assertThat(cli.getSubcommands()).containsKeys("export", "import");
        assertThat(cli.getSubcommands().get("export").getCommandSpec().findOption("--server")).isNotNull();
        assertThat(cli.getSubcommands().get("import").getCommandSpec().findOption("--token")).isNotNull();
    }

    @Test
    void anUnsupportedTargetIsAUsageErrorThatSaysWhatToDo() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute("export", "--stream", "a", "--to", "ftp://host/dir");
        assertThat(code).isEqualTo(StowageCommand.ExitCodes.USAGE);
        assertThat(err.toString()).contains("use a local directory, s3://bucket/prefix or a mongodb:// URI");
    }

    @Test
    void anS3TargetWithoutABucketIsAUsageError() {
        StringWriter err = new StringWriter();
        CommandLine cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute("export", "--stream", "a", "--to", "s3:///prefix");
        assertThat(code).isEqualTo(StowageCommand.ExitCodes.USAGE);
        assertThat(err.toString()).contains("an S3 target is s3://bucket or s3://bucket/prefix");
    }

    @Test
    void theS3SettingsAreOptionsOfExport() {
        CommandLine export = Main.commandLine().getSubcommands().get("export");
        assertThat(export.getCommandSpec().findOption("--export-s3-endpoint")).isNotNull();
        assertThat(export.getCommandSpec().findOption("--export-s3-checksum")).isNotNull();
    }
}
