package io.stowage.server.storage;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * Names of segment objects: UUID version 7 (time-ordered, random), so that objects list in about
 * the order they were named (a name is picked when its pending segment is registered, which the
 * write path does up to a minute ahead of the write) and two servers never pick the same name,
 * even against a fresh index.
 */
public final class SegmentNames {
    private static final SecureRandom RANDOM = new SecureRandom();

    private SegmentNames() {}

    public static String next() {
        long millis = System.currentTimeMillis();
        long msb = (millis << 16) | 0x7000L | (RANDOM.nextInt() & 0x0fffL);
        long lsb = (RANDOM.nextLong() & 0x3fffffffffffffffL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
