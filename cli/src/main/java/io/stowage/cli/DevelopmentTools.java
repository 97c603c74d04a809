package io.stowage.cli;


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
        return included() ? DevCommand.commandSpec() : NotIncludedCommand.spec(
                "Not included in this (production) distribution: it carries no embedded Kafka, PostgreSQL or S3."
                        + " Use the development distribution ('make dist-dev') or 'make run' in a source checkout;"
                        + " in production run 'stowage server' and 'stowage ingest' against your own PostgreSQL, S3"
                        + " and Kafka.",
                "stowage dev: not included in this distribution, which is the production one (no embedded Kafka,"
                        + " PostgreSQL or S3): " + ELSEWHERE + ". In production run 'stowage server' (with"
                        + " STOWAGE_DB_URL) and 'stowage ingest' (with KAFKA_BOOTSTRAP_SERVERS) against your own"
                        + " PostgreSQL, S3 and Kafka.");
    }
}
