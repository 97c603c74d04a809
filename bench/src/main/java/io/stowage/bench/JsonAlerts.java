package io.stowage.bench;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;

/**
 * JSON record values of about a given size, shaped like the alerts of an astronomy broker: an
 * object id, a candidate with its measurements, and as many earlier detections as fit. Field names
 * repeat and numbers vary, as in real alert streams; the same values in every run.
 */
final class JsonAlerts {
    private static final int DISTINCT = 1024;
    private static final String[] BANDS = {"g", "r", "i"};

    private JsonAlerts() {}

    static byte[][] generate(int size) {
        Random random = new Random(4242);
        byte[][] values = new byte[DISTINCT][];
        for (int i = 0; i < DISTINCT; i++) {
            values[i] = alert(random, size).getBytes(StandardCharsets.US_ASCII);
        }
        return values;
    }

    private static String alert(Random r, int size) {
        String head = String.format(Locale.ROOT, "{\"schemavsn\":\"4.02\",\"publisher\":\"bench\",\"objectId\":\"ZTF%02d%s\","
                + "\"candid\":%d,\"candidate\":%s,\"prv_candidates\":[", 18 + r.nextInt(8), letters(r, 7),
                2_000_000_000_000L + r.nextInt(1_000_000_000), detection(r));
        StringBuilder out = new StringBuilder(size + 256).append(head);
        String tail = "]}";
        boolean first = true;
        while (true) {
            String next = (first ? "" : ",") + detection(r);
            if (out.length() + next.length() + tail.length() > size) {
                break;
            }
            out.append(next);
            first = false;
        }
        return out.append(tail).toString();
    }

    private static String detection(Random r) {
        return String.format(Locale.ROOT, "{\"jd\":%.6f,\"fid\":%d,\"band\":\"%s\",\"ra\":%.7f,\"dec\":%.7f,"
                        + "\"magpsf\":%.4f,\"sigmapsf\":%.4f,\"isdiffpos\":\"%s\",\"rb\":%.3f}",
                2_460_000 + r.nextDouble() * 1000, 1 + r.nextInt(3), BANDS[r.nextInt(3)], r.nextDouble() * 360,
                r.nextDouble() * 180 - 90, 14 + r.nextDouble() * 8, r.nextDouble() * 0.3,
                r.nextBoolean() ? "t" : "f", r.nextDouble());
    }

    private static String letters(Random r, int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append((char) ('a' + r.nextInt(26)));
        }
        return b.toString();
    }
}
