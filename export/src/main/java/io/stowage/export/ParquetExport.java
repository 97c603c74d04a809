package io.stowage.export;

import io.stowage.common.layout.PathPart;
import io.stowage.api.v1.ScanResult;
import io.stowage.client.StowageClient;
import io.stowage.common.message.Timestamps;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Exports a range of the archive to Parquet files under a directory, laid out
 * {@code stream=<stream>/type=<type>/dt=YYYY-MM-DD/hr=HH/part-NNNNN.parquet} as the archive's
 * segments are. The server scans (in time order, live messages only); this tool writes. Each hour
 * is written whole and moved into place when done, and hours of the range that no longer hold
 * messages lose their old files, so a run again over the same range leaves the same files.
 */
final class ParquetExport {
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH").withZone(ZoneOffset.UTC);

    /** What a run wrote. */
    record Summary(long messages, long bytes, long partitions, long removedPartitions) {}

    private final StowageClient client;
    private final Path root;
    private final PartitionFiles.Format format;
    private final Progress progress;

    ParquetExport(StowageClient client, Path root, PartitionFiles.Format format, Progress progress) {
        this.client = client;
        this.root = root;
        this.format = format;
        this.progress = progress;
    }

    Summary run(ExportRange range) throws IOException {
        long partitions = 0;
        long removed = 0;
        for (String stream : range.resolveStreams(client)) {
            Set<Path> written = new HashSet<>();
            exportStream(stream, range, written);
            partitions += written.size();
            removed += removeStale(stream, range, written);
        }
        progress.finish();
        return new Summary(progress.messages(), progress.bytes(), partitions, removed);
    }

    private void exportStream(String stream, ExportRange range, Set<Path> written) throws IOException {
        Map<String, PartitionFiles> open = new LinkedHashMap<>();
        Instant hour = null;
        try (Stream<ScanResult> results = client.scan(range.scan(stream))) {
            for (ScanResult r : (Iterable<ScanResult>) results::iterator) {
                Instant h = Timestamps.toInstant(r.getTime()).truncatedTo(ChronoUnit.HOURS);
                if (!h.equals(hour)) {
                    commit(open, written);
                    hour = h;
                }
                Instant at = hour;
                PartitionFiles files = open.computeIfAbsent(r.getType(), t -> new PartitionFiles(dir(stream, t, at), format));
                files.write(r);
                progress.add(1, r.getSize(), stream + " " + DAY.format(hour) + " " + HOUR.format(hour) + "h");
            }
            commit(open, written);
        } finally {
            open.values().forEach(PartitionFiles::close);
        }
    }

    private static void commit(Map<String, PartitionFiles> open, Set<Path> written) throws IOException {
        for (PartitionFiles files : open.values()) {
            files.commit();
            written.add(files.dir());
        }
        open.clear();
    }

    /** Removes the files of hour partitions in the range that this run did not write: their messages are gone. */
    private long removeStale(String stream, ExportRange range, Set<Path> written) throws IOException {
        Path streamDir = root.resolve("stream=" + PathPart.encode(stream));
        if (!Files.isDirectory(streamDir)) {
            return 0;
        }
        String onlyType = range.type().map(t -> "type=" + PathPart.encode(t)).orElse(null);
        long removed = 0;
        for (Path typeDir : list(streamDir, "type=*")) {
            if (onlyType != null && !typeDir.getFileName().toString().equals(onlyType)) {
                continue;
            }
            for (Path dayDir : list(typeDir, "dt=*")) {
                for (Path hourDir : list(dayDir, "hr=*")) {
                    Instant hour = hourOf(dayDir, hourDir);
                    if (hour != null && range.covers(hour) && !written.contains(hourDir)) {
                        PartitionFiles.removeParts(hourDir, 0);
                        removed++;
                    }
                }
            }
        }
        return removed;
    }

    private Path dir(String stream, String type, Instant hour) {
        return root.resolve("stream=" + PathPart.encode(stream)).resolve("type=" + PathPart.encode(type))
                .resolve("dt=" + DAY.format(hour)).resolve("hr=" + HOUR.format(hour));
    }

    private static Instant hourOf(Path dayDir, Path hourDir) {
        try {
            String day = dayDir.getFileName().toString().substring(3);
            String hr = hourDir.getFileName().toString().substring(3);
            return Instant.parse(day + "T" + hr + ":00:00Z");
        } catch (RuntimeException e) {
            return null; // not a folder this tool made
        }
    }

    private static Iterable<Path> list(Path dir, String glob) throws IOException {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
            java.util.List<Path> out = new java.util.ArrayList<>();
            s.forEach(out::add);
            return out;
        }
    }
}
