package io.stowage.server.storage;

import io.stowage.common.layout.PathPart;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Object keys of segments: {@code stream=<s>/type=<t>/dt=YYYY-MM-DD/hr=HH/<segment>.bson}, by
 * message time in UTC (the blob store adds its prefix); {@code <segment>.bson.zst} when its
 * documents are zstd frames ({@link SegmentFormat}).
 *
 * <p>Each stream and type name is encoded so that it is always exactly one path part: bytes
 * other than ASCII letters, digits, {@code -}, {@code _} and {@code .} become {@code %XX}
 * (uppercase hex of the UTF-8 bytes), a leading dot becomes {@code %2E} (so no part is {@code .},
 * {@code ..} or hidden), and the empty name is written {@code %} (no encoded name is a lone
 * {@code %}). A name whose encoding is longer than {@link PathPart#MAX_PART} characters is cut there and
 * ends in {@code ~} and a hash of the whole name, so every folder name fits file systems (255
 * bytes) and S3 keys (1,024 bytes). The index keeps the exact names; the key is for people and
 * tools that read the layout, such as Hive-style partition discovery.
 */
public final class ObjectKeys {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH").withZone(ZoneOffset.UTC);

    private ObjectKeys() {}

    private static final String STREAM = "stream=";
    private static final String TYPE = "type=";
    private static final String DT = "dt=";
    private static final String HR = "hr=";
    public static final String PLAIN_SUFFIX = ".bson";
    public static final String COMPRESSED_SUFFIX = ".bson.zst";

    public static String segmentKey(String stream, String type, Instant hour, String segmentName) {
        return segmentKey(stream, type, hour, segmentName, PLAIN_SUFFIX);
    }

    /** The key of a segment whose name ends in {@code suffix} ({@link SegmentFormat#suffix()}). */
    public static String segmentKey(String stream, String type, Instant hour, String segmentName, String suffix) {
        return STREAM + encode(stream) + "/" + TYPE + encode(type) + "/" + DT + DAY.format(hour) + "/" + HR
                + HOUR.format(hour) + "/" + segmentName + suffix;
    }

    /**
     * Whether {@code key} (below the store's prefix) has the shape of a segment key. What does
     * not is another application's object in a shared bucket.
     */
    public static boolean isSegmentKey(String key) {
        String[] parts = key.split("/", -1);
        return parts.length == 5
                && parts[0].startsWith(STREAM) && parts[0].length() > STREAM.length()
                && parts[1].startsWith(TYPE) && parts[1].length() > TYPE.length()
                && parts[2].startsWith(DT) && hasShape(parts[2].substring(DT.length()), "9999-99-99")
                && parts[3].startsWith(HR) && hasShape(parts[3].substring(HR.length()), "99")
                && (hasName(parts[4], PLAIN_SUFFIX) || hasName(parts[4], COMPRESSED_SUFFIX));
    }

    private static boolean hasName(String file, String suffix) {
        return file.endsWith(suffix) && file.length() > suffix.length();
    }

    /** Whether {@code text} is {@code shape} with each 9 an ASCII digit. */
    private static boolean hasShape(String text, String shape) {
        if (text.length() != shape.length()) {
            return false;
        }
        for (int i = 0; i < shape.length(); i++) {
            char c = text.charAt(i);
            boolean ok = shape.charAt(i) == '9' ? c >= '0' && c <= '9' : c == shape.charAt(i);
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** One path part for {@code name}, reversible with {@link #decode}: see {@link PathPart}. */
    public static String encode(String name) {
        return PathPart.encode(name);
    }

    /** The name that {@link #encode} turned into {@code part} (for names short enough to be kept whole). */
    public static String decode(String part) {
        return PathPart.decode(part);
    }
}
