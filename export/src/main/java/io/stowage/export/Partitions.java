package io.stowage.export;

import io.stowage.common.layout.PathPart;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The names of hour partitions: {@code stream=<stream>/type=<type>/dt=YYYY-MM-DD/hr=HH}. */
final class Partitions {
    static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH").withZone(ZoneOffset.UTC);

    private Partitions() {}

    /** The relative path of the partition of {@code stream}, {@code type} and {@code hour}. */
    static String of(String stream, String type, Instant hour) {
        return "stream=" + PathPart.encode(stream) + "/type=" + PathPart.encode(type) + "/dt=" + DAY.format(hour)
                + "/hr=" + HOUR.format(hour);
    }

    /** {@code dir} relative to {@code root}, with / between its parts. */
    static String relative(Path root, Path dir) {
        return root.relativize(dir).toString().replace(dir.getFileSystem().getSeparator(), "/");
    }

    /** The hour that folders {@code dt=YYYY-MM-DD} and {@code hr=HH} name; null for a folder this tool did not make. */
    static Instant hourOf(String dayFolder, String hourFolder) {
        try {
            return Instant.parse(dayFolder.substring(3) + "T" + hourFolder.substring(3) + ":00:00Z");
        } catch (RuntimeException e) {
            return null;
        }
    }
}
