package io.stowage.server.grpc;

import io.stowage.server.storage.error.InvalidRequestException;
import io.stowage.server.storage.index.ScanOrder;
import io.stowage.server.storage.index.ScanPosition;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * The resumable cursor of a scan: the position of the last result, opaque to clients (URL-safe
 * base64 of a version byte and the position: time in microseconds and id for time order;
 * partition, offset and id for Kafka order).
 */
final class ScanCursor {
    private static final byte TIME_ORDER = 1;
    private static final byte KAFKA_ORDER = 2;

    private ScanCursor() {}

    static String encode(ScanPosition p) {
        byte[] id = p.id().getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(1 + 12 + id.length);
        if (p.kafkaPartition() != null) {
            buf.put(KAFKA_ORDER).putInt(p.kafkaPartition()).putLong(p.kafkaOffset());
        } else {
            buf.put(TIME_ORDER).putLong(p.time().getEpochSecond() * 1_000_000L + p.time().getNano() / 1000);
        }
        buf.put(id);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(buf.array(), buf.position()));
    }

    static ScanPosition decode(String cursor, ScanOrder order) {
        try {
            ByteBuffer buf = ByteBuffer.wrap(Base64.getUrlDecoder().decode(cursor));
            byte kind = buf.get();
            if (kind == TIME_ORDER && order == ScanOrder.TIME) {
                long micros = buf.getLong();
                return ScanPosition.inTimeOrder(Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                        Math.floorMod(micros, 1_000_000L) * 1000), rest(buf));
            }
            if (kind == KAFKA_ORDER && order == ScanOrder.KAFKA_OFFSET) {
                int partition = buf.getInt();
                long offset = buf.getLong();
                return ScanPosition.inKafkaOrder(partition, offset, rest(buf));
            }
            throw new IllegalArgumentException("cursor of another order");
        } catch (RuntimeException e) {
            throw new InvalidRequestException("cursor '" + cursor + "' is not one that a Scan in this order returned");
        }
    }

    private static String rest(ByteBuffer buf) {
        byte[] id = new byte[buf.remaining()];
        buf.get(id);
        return new String(id, StandardCharsets.UTF_8);
    }
}
