package io.stowage.export;

import io.stowage.common.layout.PathPart;
import io.stowage.s3.S3Bucket;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parquet files uploaded to an S3 bucket under a prefix, each written where the local export
 * would put it ({@code prefix/stream=.../type=.../dt=.../hr=.../part-NNNNN.parquet}), proven by
 * the store ({@link S3Bucket#put}), then deleted locally. The rule of the local export holds:
 * names are deterministic, a run again overwrites them (or, with MD5 proofs, skips those the
 * bucket already holds byte for byte), parts beyond this run's are removed, and hours of the range
 * that no longer hold messages lose their files.
 */
final class S3Destination implements ExportDestination {
    private static final Logger log = LoggerFactory.getLogger(S3Destination.class);
    static final String CONTENT_TYPE = "application/vnd.apache.parquet";

    private final S3Bucket bucket;
    private final String base;
    private long uploaded;
    private long unchanged;

    S3Destination(S3Bucket bucket) {
        this.bucket = bucket;
        String prefix = bucket.settings().prefix();
        this.base = prefix.isEmpty() ? "" : prefix + "/";
    }

    @Override
    public void publish(String partition, Path dir, int parts) throws IOException {
        for (int i = 0; i < parts; i++) {
            Path file = dir.resolve(PartitionFiles.name(i));
            String key = base + partition + "/" + PartitionFiles.name(i);
            if (bucket.holds(key, file)) {
                unchanged++;
            } else {
                bucket.put(key, file, CONTENT_TYPE);
                uploaded++;
            }
            Files.delete(file);
        }
        List<String> beyond = new ArrayList<>();
        list(base + partition + "/" + PartitionFiles.PREFIX, o -> {
            int n = PartitionFiles.number(o.key().substring(o.key().lastIndexOf('/') + 1));
            if (n >= parts) {
                beyond.add(o.key());
            }
        });
        beyond.forEach(this::delete);
    }

    @Override
    public long removeStale(String stream, ExportRange range, Set<String> written) {
        String streamPart = "stream=" + PathPart.encode(stream) + "/";
        String under = base + streamPart + range.type().map(t -> "type=" + PathPart.encode(t) + "/").orElse("");
        Set<String> removed = new HashSet<>();
        List<String> stale = new ArrayList<>();
        list(under, o -> {
            // type=T/dt=D/hr=H/part-NNNNN.parquet below the stream
            String[] parts = o.key().substring(base.length() + streamPart.length()).split("/");
            if (parts.length != 4 || PartitionFiles.number(parts[3]) < 0 || !parts[0].startsWith("type=")) {
                return; // not a file this tool wrote
            }
            Instant hour = Partitions.hourOf(parts[1], parts[2]);
            String partition = streamPart + parts[0] + "/" + parts[1] + "/" + parts[2];
            if (hour != null && range.covers(hour) && !written.contains(partition)) {
                stale.add(o.key());
                removed.add(partition);
            }
        });
        stale.forEach(this::delete);
        return removed.size();
    }

    @Override
    public String describe() {
        return "s3://" + bucket.settings().bucket() + "/" + base;
    }

    /** Files uploaded, and files left as they were because the bucket held them already. */
    long uploaded() {
        return uploaded;
    }

    long unchanged() {
        return unchanged;
    }

    private void list(String prefix, Consumer<S3Bucket.Entry> action) {
        bucket.list(prefix, action);
    }

    private void delete(String key) {
        bucket.delete(key);
        log.debug("removed s3://{}/{}", bucket.settings().bucket(), key);
    }
}
