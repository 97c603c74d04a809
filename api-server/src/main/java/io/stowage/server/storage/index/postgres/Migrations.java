package io.stowage.server.storage.index.postgres;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations: {@code db/migration/V<n>__<what>.sql}, applied in order, each
 * once, recorded in {@code schema_version}. Servers starting together serialize on an advisory
 * lock, so exactly one applies a migration.
 */
final class Migrations {
    private static final Logger log = LoggerFactory.getLogger(Migrations.class);

    /** Every migration, oldest first. A new one is added at the end and never edited afterwards. */
    static final List<String> SCRIPTS = List.of("V1__initial_schema.sql", "V2__kafka_order_index.sql",
            "V3__slimmer_time_index.sql", "V4__comments.sql", "V5__lean_index.sql", "V6__cluster_captures.sql",
            "V7__segments_by_end.sql");

    static final long LOCK_KEY = 0x5354_4f57_4147_45L; // "STOWAGE"

    private Migrations() {}

    static void apply(Connection c, String schema) throws SQLException {
        apply(c, schema, SCRIPTS.size());
    }

    /** Applies the migrations up to version {@code upTo}: a test builds an older schema with it. */
    static void apply(Connection c, String schema, int upTo) throws SQLException {
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL lock_timeout = 0"); // wait for the other server's migrations as long as they take
            st.execute("SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")");
            st.execute("CREATE SCHEMA IF NOT EXISTS " + quoteIdentifier(schema));
            st.execute("SET LOCAL search_path TO " + quoteIdentifier(schema));
            st.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                    + "version integer PRIMARY KEY, script text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
            int current = currentVersion(st);
            checkRecorded(st, schema);
            for (int i = current; i < upTo; i++) {
                String script = SCRIPTS.get(i);
                log.info("Applying index migration {}", script);
                st.execute(load(script));
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO schema_version (version, script) VALUES (?, ?)")) {
                    ps.setInt(1, i + 1);
                    ps.setString(2, script);
                    ps.executeUpdate();
                }
            }
            if (current > SCRIPTS.size()) {
                throw new SQLException("the index schema is at version " + current + ", newer than this Stowage ("
                        + SCRIPTS.size() + "); upgrade Stowage", "55000");
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
    }

    private static int currentVersion(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT coalesce(max(version), 0) FROM schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /**
     * The migrations recorded must be this build's, in order: a schema made by another build (a
     * branch with its own V6, say) would otherwise pass as up to date and fail later, call by call.
     */
    private static void checkRecorded(Statement st, String schema) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT version, script FROM schema_version ORDER BY version")) {
            int expected = 1;
            while (rs.next()) {
                int version = rs.getInt(1);
                String script = rs.getString(2);
                if (version > SCRIPTS.size()) {
                    return; // newer than this build: refused with its own message
                }
                if (version != expected || !SCRIPTS.get(version - 1).equals(script)) {
                    String ours = version == expected ? SCRIPTS.get(version - 1) : "version " + expected;
                    throw new SQLException("the index schema " + schema + " was made by another build of Stowage: its"
                            + " migration " + version + " is " + script + " where this build has " + ours
                            + "; start the build that made it, or point STOWAGE_DB_SCHEMA at another schema", "55000");
                }
                expected++;
            }
        }
    }

    private static String load(String script) {
        String path = "/db/migration/" + script;
        try (InputStream in = Migrations.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("migration " + path + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String quoteIdentifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }
}
