package io.stowage.server.storage.index.postgres;

import io.stowage.server.storage.error.StorageException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;

/** Small JDBC helpers: arrays for set-based statements, and times at PostgreSQL's microsecond precision. */
final class Sql {
    /** SQL that turns a bigint of microseconds since the epoch into a timestamptz, exactly. */
    static final String MICROS_TO_TIMESTAMP = "(timestamptz 'epoch' + %s * interval '1 microsecond')";

    private static final String UNIQUE_VIOLATION = "23505";

    private Sql() {}

    /** lock_timeout passed while the statement waited for a lock. */
    static final String LOCK_NOT_AVAILABLE = "55P03";

    /** Whether {@code e} is a lock that was not granted within the lock timeout. */
    static boolean isLockTimeout(StorageException e) {
        return e.getCause() instanceof SQLException s && LOCK_NOT_AVAILABLE.equals(s.getSQLState());
    }

    /** The statement failed because a row it wrote has a key that is stored already. */
    static boolean isUniqueViolation(StorageException e) {
        return e.getCause() instanceof SQLException s && UNIQUE_VIOLATION.equals(s.getSQLState());
    }

    static Array texts(Connection c, Collection<String> values) throws SQLException {
        return c.createArrayOf("text", values.toArray(new String[0]));
    }

    static Array array(Connection c, String type, Object[] values) throws SQLException {
        return c.createArrayOf(type, values);
    }

    static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }

    static void setTime(PreparedStatement ps, int index, Instant t) throws SQLException {
        ps.setObject(index, OffsetDateTime.ofInstant(t, ZoneOffset.UTC));
    }

    static Instant getTime(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    static Integer getIntOrNull(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }

    static Long getLongOrNull(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
