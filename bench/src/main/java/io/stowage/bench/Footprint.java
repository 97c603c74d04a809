package io.stowage.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * B4, the index's size per message in PostgreSQL, and B5, the stored bytes per payload byte: what
 * archiving costs in space, measured on the server that B1 (and B3's top-up) filled.
 */
final class Footprint {
    private Footprint() {}

    /** B4: the messages table with its indexes per message, beside the rows' own data; and the segments table. */
    static List<Entry> index(Backends backends, String schema) throws SQLException {
        try (Connection c = backends.connect(); Statement st = c.createStatement()) {
            st.execute("VACUUM ANALYZE " + schema + ".messages, " + schema + ".segments");
            String m = "'" + schema + ".messages'";
            String s = "'" + schema + ".segments'";
            try (ResultSet rs = st.executeQuery("SELECT pg_total_relation_size(" + m + "), pg_relation_size(" + m + "),"
                    + " pg_indexes_size(" + m + "), (SELECT count(*) FROM " + schema + ".messages),"
                    + " (SELECT avg(pg_column_size(x.*)) FROM " + schema + ".messages x),"
                    + " pg_total_relation_size(" + s + "), (SELECT count(*) FROM " + schema + ".segments)")) {
                rs.next();
                long total = rs.getLong(1);
                long heap = rs.getLong(2);
                long indexes = rs.getLong(3);
                long count = rs.getLong(4);
                double row = rs.getDouble(5);
                long segmentsTotal = rs.getLong(6);
                long segments = rs.getLong(7);
                if (count == 0) {
                    throw new IllegalStateException("no message is stored: B4 needs B1's or B3's data");
                }
                double perMessage = (double) total / count;
                double segmentsPerMessage = (double) segmentsTotal / count;
                return List.of(
                        Entry.of("B4 index bytes per message (messages table + indexes)", perMessage, "B",
                                        "the row's own data (pg_column_size)", row)
                                .withTarget(Target.valueAtMost(100, "B"))
                                .withNote(String.format(Locale.ROOT, "%,d messages: table %.0f B + indexes %.0f B (+ toast"
                                        + " and maps %.0f B) per message", count, (double) heap / count,
                                        (double) indexes / count, (double) (total - heap - indexes) / count)),
                        Entry.of("B4 segments table bytes per message", segmentsPerMessage, "B",
                                        "messages table bytes per message", perMessage)
                                .withNote(String.format(Locale.ROOT, "%,d segments of %,.0f messages each on average,"
                                        + " %,.0f B per segment row with its indexes", segments,
                                        (double) count / Math.max(1, segments), (double) segmentsTotal / Math.max(1,
                                                segments))));
            }
        }
    }

    /** B5: the bytes of every object in the bucket, beside the key, value and header bytes that went in. */
    static Entry storage(Backends backends, String bucket, long records, long payloadBytes) {
        return storage(backends, bucket, records, payloadBytes, "B5 stored bytes per message (segment objects)");
    }

    /** Likewise, named {@code name}. */
    static Entry storage(Backends backends, String bucket, long records, long payloadBytes, String name) {
        long objects = 0;
        long bytes = 0;
        try (S3Client s3 = RawS3.client(backends)) {
            List<S3Object> all = new ArrayList<>();
            s3.listObjectsV2Paginator(r -> r.bucket(bucket)).contents().forEach(all::add);
            for (S3Object o : all) {
                objects++;
                bytes += o.size();
            }
        }
        if (records == 0) {
            throw new IllegalStateException("nothing was stored: B5 needs B1's or B3's data");
        }
        return Entry.of(name, (double) bytes / records, "B",
                        "payload bytes per message (key + value + headers)", (double) payloadBytes / records)
                .withTarget(Target.ratioAtMost(1.15))
                .withNote(String.format(Locale.ROOT, "%,d objects, %,.0f MB stored for %,.0f MB of payload in %,d records",
                        objects, bytes / 1e6, payloadBytes / 1e6, records));
    }
}
