package io.stowage.bench;

import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Record values: printable ASCII (so that Kafka Connect's FileStreamSink writes exactly the bytes
 * it read), a pool of distinct ones per size, the same in every run. {@link Kind#RANDOM} values
 * are random characters; {@link Kind#JSON} values are JSON documents shaped like the alerts of an
 * astronomy broker (what compression is measured on).
 */
final class Payloads {
    private static final int DISTINCT = 1024;
    private static final Map<Integer, byte[][]> BY_SIZE = new ConcurrentHashMap<>();
    private static final Map<Integer, byte[][]> JSON_BY_SIZE = new ConcurrentHashMap<>();

    /** What a value holds. */
    enum Kind { RANDOM, JSON }

    private Payloads() {}

    static byte[] value(int size, long index) {
        byte[][] pool = BY_SIZE.computeIfAbsent(size, Payloads::generate);
        return pool[(int) (index % pool.length)];
    }

    static byte[] value(Kind kind, int size, long index) {
        if (kind == Kind.RANDOM) {
            return value(size, index);
        }
        byte[][] pool = JSON_BY_SIZE.computeIfAbsent(size, JsonAlerts::generate);
        return pool[(int) (index % pool.length)];
    }

    private static byte[][] generate(int size) {
        Random random = new Random(42);
        byte[][] values = new byte[DISTINCT][size];
        for (byte[] v : values) {
            for (int i = 0; i < size; i++) {
                v[i] = (byte) ('!' + random.nextInt(94)); // '!'..'~'
            }
        }
        return values;
    }
}
