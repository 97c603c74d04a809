package io.stowage.export;

import io.stowage.common.layout.PathPart;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** Parquet files in a local directory, where they are written: publishing leaves them in place. */
final class LocalDestination implements ExportDestination {
    private final Path root;

    LocalDestination(Path root) {
        this.root = root;
    }

    @Override
    public void publish(String partition, Path dir, int parts) {
        // PartitionFiles.commit has moved the parts into place and removed those beyond them
    }

    @Override
    public long removeStale(String stream, ExportRange range, Set<String> written) throws IOException {
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
                    Instant hour = Partitions.hourOf(dayDir.getFileName().toString(), hourDir.getFileName().toString());
                    if (hour != null && range.covers(hour) && !written.contains(Partitions.relative(root, hourDir))) {
                        PartitionFiles.removeParts(hourDir, 0);
                        removed++;
                    }
                }
            }
        }
        return removed;
    }

    @Override
    public String describe() {
        return root.toString();
    }

    private static List<Path> list(Path dir, String glob) throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, glob)) {
            s.forEach(out::add);
        }
        return out;
    }
}
