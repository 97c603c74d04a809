package io.stowage.server.grpc;

import io.stowage.server.storage.InvalidRequestException;
import io.stowage.server.storage.index.ScanPosition;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * The resumable cursor of a scan: the (time, id) of the last result, opaque to clients
 * (URL-safe base64 of a version byte, the time in microseconds and the id).
 */
final class ScanCursor {
    private static final byte VERSION = 1;

    private ScanCursor() {}

    static String encode(ScanPosition p) {
        byte[] id = p.id().getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(1 + 8 + id.length);
        buf.put(VERSION).putLong(p.time().getEpochSecond() * 1_000_000L + p.time().getNano() / 1000).put(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(buf.array());
    }

    static ScanPosition decode(String cursor) {
        try {
            ByteBuffer buf = ByteBuffer.wrap(Base64.getUrlDecoder().decode(cursor));
            if (buf.get() != VERSION || buf.remaining() < 8) {
                throw new IllegalArgumentException("unknown cursor version");
            }
            long micros = buf.getLong();
            byte[] id = new byte[buf.remaining()];
            buf.get(id);
            return new ScanPosition(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                    Math.floorMod(micros, 1_000_000L) * 1000), new String(id, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new InvalidRequestException("cursor '" + cursor + "' is not one that Scan returned");
        }
    }
}
