package io.stowage.bench;

import java.nio.ByteBuffer;
import java.util.UUID;

/**
 * The message row as the api-server's index stores it (migration V5): an id that is the canonical
 * text of a UUID in the 16-byte column, any other id in the text column; the 8-byte content
 * digest as a bigint. The bench writes rows of its own (B2's baseline, B8's bulk load) in the
 * same form, so that they cost what the server's rows cost.
 */
final class IndexRows {
    /** The id columns of the messages table, uuid first. */
    static final String ID_COLUMNS = "id_uuid, id_text";

    private IndexRows() {}

    /** The UUID an id is the canonical text of, else null. */
    static UUID uuidOrNull(String id) {
        if (id.length() != 36) {
            return null;
        }
        try {
            UUID u = UUID.fromString(id);
            return u.toString().equals(id) ? u : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The id for the text column: null when it goes in the uuid column. */
    static String textOrNull(String id) {
        return uuidOrNull(id) == null ? id : null;
    }

    static long digest(byte[] digest) {
        return ByteBuffer.wrap(digest).getLong();
    }
}
