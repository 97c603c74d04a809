package io.stowage.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.api.v1.DeleteBatchRequest;
import io.stowage.api.v1.Message;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exports a real archive to Parquet and reads the files back with DuckDB, an engine this project
 * does not write with: what DuckDB sees must be what the archive holds.
 */
class ParquetExportDuckDbTest {
    @TempDir
    Path temp;

    private Archive archive;
    private Path out;
    private Connection duck;

    @BeforeEach
    void start(TestInfo test) throws SQLException {
        archive = new Archive(test.getDisplayName(), temp).withRecords();
        out = temp.resolve("parquet");
        duck = DriverManager.getConnection("jdbc:duckdb:");
    }

    @AfterEach
    void stop() throws SQLException {
        duck.close();
        archive.close();
    }

    @Test
    void countsPerHourPartitionMatchTheArchive() throws SQLException {
        assertThat(archive.export("--stream", "alert*", "--to", out.toString())).isZero();

        Map<String, Long> expected = new TreeMap<>();
        for (Message m : archive.records) {
            String hour = m.hasKafka() ? hourOf(m.getKafka().getTimestamp()) : hourOf(
                    io.stowage.common.message.Timestamps.toInstant(m.getAttributesOrThrow("time").getCeTimestamp()).toEpochMilli());
            expected.merge("alerts|" + m.getType() + "|" + hour, 1L, Long::sum);
        }
        Map<String, Long> found = new TreeMap<>();
        try (ResultSet rs = query("SELECT stream, type, dt, hr, count(*) FROM " + files(true)
                + " GROUP BY ALL ORDER BY ALL")) {
            while (rs.next()) {
                found.put(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3) + "T" + String.format("%02d", rs.getInt(4)),
                        rs.getLong(5));
            }
        }
        assertThat(found).isEqualTo(expected);
    }

    @Test
    void headersKeepOrderDuplicatesAndNullsAndCanBeFiltered() throws SQLException {
        archive.export("--stream", "alerts", "--to", out.toString());

        List<String> north = strings("SELECT id FROM " + files(false) + " WHERE len(list_filter(headers,"
                + " lambda h: h.key = 'sensor' AND h.value = 'north'::BLOB)) > 0 ORDER BY kafka_offset");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 30; i += 4) {
            expected.add("rec-" + i);
        }
        assertThat(north).isEqualTo(expected);

        try (ResultSet rs = query("SELECT len(headers), headers[1].key, headers[2].key, headers[2].value IS NULL,"
                + " headers[3].key, hex(headers[3].value) FROM " + files(false) + " WHERE id = 'rec-1'")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(3);
            assertThat(rs.getString(2)).isEqualTo("sensor");
            assertThat(rs.getString(3)).isEqualTo("trace");
            assertThat(rs.getBoolean(4)).isTrue();
            assertThat(rs.getString(5)).isEqualTo("sensor");
            assertThat(rs.getString(6)).isEqualTo("FF00");
        }
    }

    @Test
    void jsonValuesAreQueryableAndKeysAndTombstonesKeepTheirKind() throws SQLException {
        archive.export("--stream", "alerts", "--type", "kafka.record", "--to", out.toString());

        assertThat(strings("SELECT id FROM " + files(false) + " WHERE json_extract(data_text, '$.mag')::INT = 9"
                + " ORDER BY id")).containsExactly("rec-19", "rec-29", "rec-9");
        assertThat(strings("SELECT json_extract_string(data_text, '$.name') FROM " + files(false)
                + " WHERE id = 'rec-12'")).containsExactly("ev12");
        // absent keys: offsets divisible by 3; empty keys: by 5 and not by 3
        assertThat(longs("SELECT kafka_offset FROM " + files(false) + " WHERE key IS NULL ORDER BY 1"))
                .containsExactly(0L, 3L, 6L, 9L, 12L, 15L, 18L, 21L, 24L, 27L);
        assertThat(longs("SELECT kafka_offset FROM " + files(false) + " WHERE octet_length(key) = 0 ORDER BY 1"))
                .containsExactly(5L, 10L, 20L, 25L);
        assertThat(strings("SELECT id FROM " + files(false) + " WHERE tombstone AND data IS NULL"))
                .containsExactly("rec-7");
        assertThat(longs("SELECT count(*) FROM " + files(false) + " WHERE NOT tombstone AND data IS NOT NULL"))
                .containsExactly(29L);
        assertThat(strings("SELECT DISTINCT kafka_timestamp_type FROM " + files(false))).containsExactly("CreateTime");
        assertThat(strings("SELECT attributes['time'] FROM " + files(false) + " WHERE id = 'rec-0'"))
                .containsExactly("2024-05-01T10:00:00Z");
    }

    @Test
    void deletedMessagesAreNotExportedAndARunAgainGivesTheSameFiles() throws Exception {
        archive.export("--stream", "alerts", "--to", out.toString());
        Map<String, String> first = digests();
        archive.export("--stream", "alerts", "--to", out.toString());
        assertThat(digests()).isEqualTo(first);

        // delete one record and the only message of hour 13: a run again follows the archive
        archive.server.messages().deleteBatch(DeleteBatchRequest.newBuilder().addIds("rec-3").addIds("note-2").build());
        archive.export("--stream", "alerts", "--since", "2024-05-01T10:30:00Z", "--to", out.toString());

        assertThat(strings("SELECT id FROM " + files(false) + " WHERE id IN ('rec-3', 'note-2', 'rec-4')"))
                .containsExactly("rec-4");
        assertThat(longs("SELECT count(*) FROM " + files(false))).containsExactly(30L);
        try (Stream<Path> left = Files.walk(out)) {
            assertThat(left.map(Path::toString)).noneMatch(p -> p.endsWith(".tmp")).noneMatch(p -> p.contains("hr=13")
                    && p.endsWith(".parquet"));
        }
    }

    @Test
    void aSmallFileSizeSplitsAnHourIntoSeveralParts() throws SQLException {
        archive.export("--stream", "alerts", "--to", out.toString(), "--file-size", "1", "--row-group-size", "1");
        assertThat(longs("SELECT count(*) FROM " + files(false))).containsExactly(32L);
    }

    private String files(boolean hive) {
        return "read_parquet('" + out + "/**/*.parquet'" + (hive ? ", hive_partitioning = true" : "") + ")";
    }

    private static String hourOf(long millis) {
        java.time.Instant t = java.time.Instant.ofEpochMilli(millis);
        return t.toString().substring(0, 10) + "T" + t.toString().substring(11, 13);
    }

    private ResultSet query(String sql) throws SQLException {
        Statement st = duck.createStatement();
        st.closeOnCompletion();
        return st.executeQuery(sql);
    }

    private List<String> strings(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = query(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    private List<Long> longs(String sql) throws SQLException {
        List<Long> out = new ArrayList<>();
        try (ResultSet rs = query(sql)) {
            while (rs.next()) {
                out.add(rs.getLong(1));
            }
        }
        return out;
    }

    private Map<String, String> digests() throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(this.out)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                try {
                    out.put(this.out.relativize(f).toString(),
                            HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return out;
    }
}
