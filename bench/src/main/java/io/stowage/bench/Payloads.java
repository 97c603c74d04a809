package io.stowage.bench;

import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Record values: printable ASCII (so that Kafka Connect's FileStreamSink writes exactly the bytes
 * it read), a pool of distinct ones per size, the same in every run.
 */
final class Payloads {
    private static final int DISTINCT = 1024;
    private static final Map<Integer, byte[][]> BY_SIZE = new ConcurrentHashMap<>();

    private Payloads() {}

    static byte[] value(int size, long index) {
        byte[][] pool = BY_SIZE.computeIfAbsent(size, Payloads::generate);
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
