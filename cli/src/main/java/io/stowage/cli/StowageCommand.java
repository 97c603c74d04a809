package io.stowage.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top-level command: lists the subcommands. */
@Command(name = "stowage",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = {
            "Stowage keeps an exact, restorable, queryable archive of Kafka topics: BSON segments in S3 or a"
                    + " local directory, indexed in PostgreSQL, served over gRPC.",
            "",
            "Every setting can be given as a flag or as the environment variable shown in the help of each"
                    + " command; flags win."},
        footer = {"", "Run 'stowage COMMAND --help' for the options of a command."})
public final class StowageCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** Exit codes shared by the subcommands. */
    public static final class ExitCodes {
        public static final int OK = CommandLine.ExitCode.OK;
        /** Something failed while running (a server down, data not found). */
        public static final int FAILED = 1;
        /** The command line or configuration is invalid. */
        public static final int USAGE = CommandLine.ExitCode.USAGE;
        /** Done in part: some ids were not found, some messages were rejected, verify found problems. */
        public static final int PARTIAL = 3;
        /** Stopped by Ctrl-C or SIGTERM before the end (a replay resumes where it stopped). */
        public static final int INTERRUPTED = 130;

        private ExitCodes() {}
    }
}
