package io.stowage.export;

import io.stowage.api.v1.ScanResult;
import io.stowage.client.StowageClient;
import io.stowage.common.message.Timestamps;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Exports a range of the archive to Parquet files laid out
 * {@code stream=<stream>/type=<type>/dt=YYYY-MM-DD/hr=HH/part-NNNNN.parquet} as the archive's
 * segments are, under a local directory (a working one when the destination is S3). The server
 * scans (in time order, live messages only); this tool writes. Each hour is written whole, then
 * published to the {@link ExportDestination}, and hours of the range that no longer hold messages
 * lose their old files, so a run again over the same range leaves the same files.
 */
final class ParquetExport {
    /** What a run wrote. */
    record Summary(long messages, long bytes, long partitions, long removedPartitions) {}

    private final StowageClient client;
    private final Path root;
    private final PartitionFiles.Format format;
    private final Progress progress;
    private final ExportDestination destination;

    /** Files under {@code root}, where they stay. */
    ParquetExport(StowageClient client, Path root, PartitionFiles.Format format, Progress progress) {
        this(client, root, format, progress, new LocalDestination(root));
    }

    /** Files written under {@code root}, then published to {@code destination}. */
    ParquetExport(StowageClient client, Path root, PartitionFiles.Format format, Progress progress,
            ExportDestination destination) {
        this.client = client;
        this.root = root;
        this.format = format;
        this.progress = progress;
        this.destination = destination;
    }

    Summary run(ExportRange range) throws IOException {
        long partitions = 0;
        long removed = 0;
        for (String stream : range.resolveStreams(client)) {
            Set<String> written = new HashSet<>();
            exportStream(stream, range, written);
            partitions += written.size();
            removed += destination.removeStale(stream, range, written);
        }
        progress.finish();
        return new Summary(progress.messages(), progress.bytes(), partitions, removed);
    }

    private void exportStream(String stream, ExportRange range, Set<String> written) throws IOException {
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
                PartitionFiles files = open.computeIfAbsent(r.getType(),
                        t -> new PartitionFiles(root.resolve(Partitions.of(stream, t, at)), format));
                files.write(r);
                progress.add(1, r.getSize(), stream + " " + Partitions.DAY.format(hour) + " "
                        + Partitions.HOUR.format(hour) + "h");
            }
            commit(open, written);
        } finally {
            open.values().forEach(PartitionFiles::close);
        }
    }

    private void commit(Map<String, PartitionFiles> open, Set<String> written) throws IOException {
        for (PartitionFiles files : open.values()) {
            int parts = files.commit();
            String partition = Partitions.relative(root, files.dir());
            destination.publish(partition, files.dir(), parts);
            written.add(partition);
        }
        open.clear();
    }
}
