package io.stowage.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The development tools: the embedded Kafka broker, PostgreSQL and S3-compatible server (the
 * stowage-embedded jar and what it needs) and {@code stowage dev} on top of them. A source checkout
 * and the development distribution carry them; the production distribution and its image leave
 * them out, so that they hold no broker, no Scala and no PostgreSQL binaries for other systems.
 * Nothing outside this class and the classes it guards may touch {@code io.stowage.embedded}.
 */
final class DevelopmentTools {
    /** What to do instead, shared by every message that meets a missing tool. */
    static final String ELSEWHERE = "they come with the development distribution ('make dist-dev':"
            + " dist/target/stowage-dev-<version>/bin/stowage) and with 'make run' in a source checkout";

    private DevelopmentTools() {}

    /** Whether this class path holds the embedded servers. */
    static boolean included() {
        try {
            Class.forName("io.stowage.embedded.LocalPostgres", false, DevelopmentTools.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** {@code stowage dev} where it can run, else a command that says where to find it. */
    static Object devCommand() {
        return included() ? DevCommand.commandSpec() : new NotIncluded();
    }

    /** {@code stowage dev} in the production distribution: explains, and fails. */
    @Command(name = "dev", mixinStandardHelpOptions = true,
            description = "Not included in this (production) distribution: it carries no embedded Kafka, PostgreSQL"
                    + " or S3. Use the development distribution ('make dist-dev') or 'make run' in a source checkout;"
                    + " in production run 'stowage server' and 'stowage ingest' against your own PostgreSQL, S3 and"
                    + " Kafka.")
    static final class NotIncluded implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        /** Whatever dev would take: the answer is the same. */
        @Unmatched
        List<String> ignored;

        @Override
        public Integer call() {
            spec.commandLine().getErr().println("stowage dev: not included in this distribution, which is the"
                    + " production one (no embedded Kafka, PostgreSQL or S3): " + ELSEWHERE + ". In production run"
                    + " 'stowage server' (with STOWAGE_DB_URL) and 'stowage ingest' (with KAFKA_BOOTSTRAP_SERVERS)"
                    + " against your own PostgreSQL, S3 and Kafka.");
            return StowageCommand.ExitCodes.USAGE;
        }
    }
}
