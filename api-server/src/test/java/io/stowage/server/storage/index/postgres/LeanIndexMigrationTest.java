package io.stowage.server.storage.index.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.stowage.embedded.LocalPostgres;
import io.stowage.server.storage.index.MessageLocation;
import io.stowage.server.storage.index.ScanQuery;
import io.stowage.server.storage.index.ScanRow;
import io.stowage.server.testing.TestBackends;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** An index written by a Stowage before the lean message row (schema version 4) reads the same after migration 5. */
class LeanIndexMigrationTest {
    private static final String UUID_ID = "6f1c2a3b-0000-4a09-ac9c-41f2de24d5ac";
    private static final String UPPER_CASE_UUID_ID = UUID_ID.toUpperCase(java.util.Locale.ROOT);
    private static final Instant T0 = Instant.parse("2024-03-01T10:00:00Z");

    @Test
    void rowsOfVersion4KeepTheirIdsLocationsAndDigests() throws Exception {
        String schema = TestBackends.uniqueName("leanMigration");
        byte[] longDigest = new byte[16];
        Arrays.fill(longDigest, (byte) 0xA5);
        longDigest[0] = 1;
        LocalPostgres pg = TestBackends.postgres();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password())) {
            Migrations.apply(c, schema, 4);
            try (Statement st = c.createStatement()) {
                st.execute("SET search_path TO " + Migrations.quoteIdentifier(schema));
                st.execute("INSERT INTO streams (name) VALUES ('s')");
                st.execute("INSERT INTO types (name) VALUES ('t')");
                st.execute("INSERT INTO segments (object_key, stream_id, type_id, state, size_bytes, message_count,"
                        + " live_count, live_bytes, min_time, max_time) VALUES ('k/old.bson', 1, 1, 'committed', 30, 3,"
                        + " 3, 30, '2024-03-01T10:00:00Z', '2024-03-01T10:00:00Z')");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO messages (time, segment_id, stream_id, type_id,"
                    + " byte_offset, length, id, digest) SELECT '2024-03-01T10:00:00Z', 1, 1, 1, o, 10, i, ?"
                    + " FROM unnest(?::text[], ?::int[]) AS x(i, o)")) {
                ps.setBytes(1, longDigest);
                ps.setArray(2, c.createArrayOf("text", new String[] {UUID_ID, UPPER_CASE_UUID_ID, "m-1"}));
                ps.setArray(3, c.createArrayOf("int4", new Integer[] {0, 10, 20}));
                ps.executeUpdate();
            }
        }

        try (PostgresIndex index = new PostgresIndex(TestBackends.database(schema))) {
            assertThat(index.locate(List.of(UUID_ID, UPPER_CASE_UUID_ID, "m-1")))
                    .extracting(MessageLocation::id, MessageLocation::offset)
                    .containsExactlyInAnyOrder(tuple(UUID_ID, 0),
                            tuple(UPPER_CASE_UUID_ID, 10),
                            tuple("m-1", 20));
            assertThat(index.findDigests(List.of(UUID_ID)).get(UUID_ID)).isEqualTo(Arrays.copyOf(longDigest, 8));
            assertThat(index.scan(new ScanQuery("s", Optional.of("t"), Instant.EPOCH, T0.plusSeconds(1),
                    Optional.empty(), 10))).extracting(ScanRow::id, ScanRow::type).containsExactly(
                            tuple(UPPER_CASE_UUID_ID, "t"),
                            tuple(UUID_ID, "t"), tuple("m-1", "t"));
            int uuidRows = index.database().withConnection("count uuid rows", c -> {
                try (ResultSet rs = c.createStatement().executeQuery("SELECT count(id_uuid) FROM messages")) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            assertThat(uuidRows).isEqualTo(1);
        }
    }
}
