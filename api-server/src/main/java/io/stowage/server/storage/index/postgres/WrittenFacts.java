package io.stowage.server.storage.index.postgres;

import io.stowage.server.storage.index.WrittenSegment;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * The facts a commit sets on its segments, as parallel arrays for {@code unnest(?::bigint[],
 * ?::bigint[], ?::int[], ?::bigint[], ?::bigint[]) AS f(id, sz, n, lo, hi)}, the times in
 * microseconds; nulls keep what the pending row holds ({@link PostgresMessages#WRITTEN_FACTS}).
 */
record WrittenFacts(Long[] ids, Long[] sizes, Integer[] counts, Long[] minTimes, Long[] maxTimes) {

    static WrittenFacts of(List<WrittenSegment> written) {
        int n = written.size();
        WrittenFacts f = new WrittenFacts(new Long[n], new Long[n], new Integer[n], new Long[n], new Long[n]);
        for (int i = 0; i < n; i++) {
            WrittenSegment w = written.get(i);
            f.ids[i] = w.id();
            f.sizes[i] = w.sizeBytes();
            f.counts[i] = w.messageCount();
            f.minTimes[i] = w.minTime() == null ? null : Sql.micros(w.minTime());
            f.maxTimes[i] = w.maxTime() == null ? null : Sql.micros(w.maxTime());
        }
        return f;
    }

    /** Binds the five arrays from parameter {@code first} on. */
    void bind(Connection c, PreparedStatement ps, int first) throws SQLException {
        ps.setArray(first, Sql.array(c, "int8", ids));
        ps.setArray(first + 1, Sql.array(c, "int8", sizes));
        ps.setArray(first + 2, Sql.array(c, "int4", counts));
        ps.setArray(first + 3, Sql.array(c, "int8", minTimes));
        ps.setArray(first + 4, Sql.array(c, "int8", maxTimes));
    }
}
