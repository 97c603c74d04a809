package io.stowage.server.storage.index;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Optional;
import java.util.UUID;

/**
 * What every index adapter agrees on about message ids, which are opaque strings to clients.
 *
 * <p>An id that is the canonical text of a UUID (36 characters, lower-case hex, dashes at 8, 13,
 * 18 and 23) can be kept in 16 bytes, because that text comes back exactly from the 16 bytes.
 * Every other id (upper-case hex, braces, a 16-character name) is another string and stays text:
 * the mapping is one to one, so a text id is never taken for a UUID id or the other way round.
 *
 * <p>Within one scan position (equal times, or equal Kafka partition and offset) ids are ordered
 * by code point, which is the byte order of their UTF-8 and PostgreSQL's {@code "C"} collation,
 * whatever the database's own collation is.
 */
public final class MessageIds {
    /** The order of ids within a scan position: by Unicode code point. */
    public static final Comparator<String> ORDER = (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8),
            b.getBytes(StandardCharsets.UTF_8));

    private static final int UUID_TEXT_LENGTH = 36;

    private MessageIds() {}

    /** The UUID whose canonical text {@code id} is, if it is one. */
    public static Optional<UUID> asUuid(String id) {
        if (id.length() != UUID_TEXT_LENGTH) {
            return Optional.empty();
        }
        // one pass that checks the form and reads the 32 hex digits into the two halves
        long high = 0;
        long low = 0;
        int digits = 0;
        for (int i = 0; i < UUID_TEXT_LENGTH; i++) {
            char c = id.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (c != '-') {
                    return Optional.empty();
                }
                continue;
            }
            int value;
            if (c >= '0' && c <= '9') {
                value = c - '0';
            } else if (c >= 'a' && c <= 'f') {
                value = c - 'a' + 10;
            } else {
                return Optional.empty();
            }
            if (digits++ < 16) {
                high = (high << 4) | value;
            } else {
                low = (low << 4) | value;
            }
        }
        return Optional.of(new UUID(high, low));
    }
}
