package io.stowage.cli;

import io.stowage.common.config.Setting;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code stowage export} and {@code stowage import}: the stowage-export jar with Parquet and the
 * MongoDB driver. A source checkout and the development distribution carry them; the production
 * distribution, whose image runs only the server and the worker, leaves them out. Nothing outside
 * this class may touch {@code io.stowage.export}, so that the command loads without it.
 */
final class QueryTools {
    static final String ELSEWHERE = "it comes with the development distribution ('make dist-dev':"
            + " dist/target/stowage-dev-<version>/bin/stowage) and with bin/stowage in a source checkout;"
            + " it only needs to reach the api-server (--server)";

    private QueryTools() {}

    /** Whether this class path holds the export tools. */
    static boolean included() {
        try {
            Class.forName("io.stowage.export.ExportCommand", false, QueryTools.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    static Object exportCommand() {
        return included() ? Loaded.export() : notIncluded("export");
    }

    static Object importCommand() {
        return included() ? Loaded.importing() : notIncluded("import");
    }

    /** The settings of {@code stowage export} (its S3 target); none when the tools are not included. */
    static List<Setting<?>> exportSettings() {
        return included() ? Loaded.exportSettings() : List.of();
    }

    private static CommandSpec notIncluded(String name) {
        return NotIncludedCommand.spec("Not included in this (production) distribution, which leaves out Parquet and"
                + " the MongoDB driver. Use the development distribution ('make dist-dev') or bin/stowage in a source"
                + " checkout.", "stowage " + name + ": not included in this distribution, which is the production one"
                + " (no Parquet, no MongoDB driver): " + ELSEWHERE + ".");
    }

    /** The only references to the export module: resolved when a method here first runs, never otherwise. */
    private static final class Loaded {
        static CommandSpec export() {
            return io.stowage.export.ExportCommand.commandSpec();
        }

        static List<Setting<?>> exportSettings() {
            return io.stowage.export.ExportCommand.s3Settings();
        }

        static CommandSpec importing() {
            return io.stowage.export.ImportCommand.commandSpec();
        }
    }
}
