package io.stowage.server.storage.index.postgres;

import io.stowage.server.storage.index.MessageIds;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A message id is kept in one of two columns (see {@link MessageIds}): {@code id_uuid} when it is
 * the canonical text of a UUID, {@code id_text} otherwise. The SQL fragments and binds for that,
 * in one place, and the content digest as the bigint it is stored as.
 */
final class IdColumns {
    /** The id of row {@code m} as the client gave it. */
    static final String ID = "coalesce(m.id_uuid::text, m.id_text)";
    /** {@link #ID} in the order of {@link MessageIds#ORDER}, whatever the database's collation. */
    static final String ID_ORDER = ID + " COLLATE \"C\"";
    /** Row {@code m} is one of the ids bound by {@link #bindSet} (two parameters). */
    static final String MATCHES = "(m.id_uuid = ANY(?::uuid[]) OR m.id_text = ANY(?::text[]))";

    private IdColumns() {}

    /** Binds {@code ids} for {@link #MATCHES} at parameters {@code at} and {@code at + 1}. */
    static void bindSet(Connection c, PreparedStatement ps, int at, Collection<String> ids) throws SQLException {
        List<UUID> uuids = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (String id : new LinkedHashSet<>(ids)) {
            Optional<UUID> u = MessageIds.asUuid(id);
            if (u.isPresent()) {
                uuids.add(u.get());
            } else {
                texts.add(id);
            }
        }
        ps.setArray(at, c.createArrayOf("uuid", uuids.toArray()));
        ps.setArray(at + 1, Sql.texts(c, texts));
    }

    /** Column arrays for {@code unnest}: element i is the id in its column, null in the other. */
    record Split(UUID[] uuids, String[] texts) {
        static Split of(List<String> ids) {
            UUID[] uuids = new UUID[ids.size()];
            String[] texts = new String[ids.size()];
            for (int i = 0; i < ids.size(); i++) {
                String id = ids.get(i);
                Optional<UUID> u = MessageIds.asUuid(id);
                if (u.isPresent()) {
                    uuids[i] = u.get();
                } else {
                    texts[i] = id;
                }
            }
            return new Split(uuids, texts);
        }

        void bind(Connection c, PreparedStatement ps, int at) throws SQLException {
            ps.setArray(at, c.createArrayOf("uuid", uuids));
            ps.setArray(at + 1, c.createArrayOf("text", texts));
        }
    }

    /** The stored form of a content digest: its 8 bytes, big-endian. */
    static long digest(byte[] digest) {
        if (digest.length != Long.BYTES) {
            throw new IllegalArgumentException("a content digest has " + Long.BYTES + " bytes, not " + digest.length);
        }
        return ByteBuffer.wrap(digest).getLong();
    }

    /** The content digest of its stored form. */
    static byte[] digest(long stored) {
        return ByteBuffer.allocate(Long.BYTES).putLong(stored).array();
    }
}
