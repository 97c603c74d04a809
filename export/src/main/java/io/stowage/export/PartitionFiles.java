package io.stowage.export;

import io.stowage.api.v1.ScanResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;

/**
 * The Parquet files of one partition ({@code stream=/type=/dt=/hr=}): {@code part-00000.parquet},
 * {@code part-00001.parquet}, ... each up to the file size, written as {@code .tmp} files and moved
 * into place only when the whole partition is written. The rows arrive in the archive's stable
 * scan order, so the same range gives the same files; a run again replaces them, and parts left
 * over from an earlier, larger run are removed.
 */
final class PartitionFiles implements AutoCloseable {
    static final String PREFIX = "part-";
    static final String SUFFIX = ".parquet";
    private static final int SIZE_CHECK_ROWS = 256;

    /** File and row-group sizes and the compression of the files. */
    record Format(long maxFileBytes, long rowGroupBytes, CompressionCodecName codec) {}

    private final Path dir;
    private final Format format;
    private final List<Path> parts = new ArrayList<>();
    private ParquetWriter<ScanResult> writer;
    private long rowsInFile;
    private long rows;

    PartitionFiles(Path dir, Format format) {
        this.dir = dir;
        this.format = format;
    }

    void write(ScanResult result) throws IOException {
        if (writer == null) {
            open();
        }
        writer.write(result);
        rows++;
        if (++rowsInFile % SIZE_CHECK_ROWS == 0 && writer.getDataSize() >= format.maxFileBytes()) {
            writer.close();
            writer = null;
        }
    }

    long rows() {
        return rows;
    }

    Path dir() {
        return dir;
    }

    /**
     * Closes the last file, moves every part into place and removes parts of earlier runs beyond
     * them; returns how many parts the partition has.
     */
    int commit() throws IOException {
        if (writer != null) {
            writer.close();
            writer = null;
        }
        for (int i = 0; i < parts.size(); i++) {
            Files.move(parts.get(i), dir.resolve(name(i)), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        }
        removeParts(dir, parts.size());
        int count = parts.size();
        parts.clear();
        return count;
    }

    /** Deletes the committed parts numbered {@code from} and up (all of them with 0), and temp files. */
    static void removeParts(Path dir, int from) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*")) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                if (n.endsWith(".tmp") || (n.endsWith(SUFFIX) && number(n) >= from)) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** Drops what was written but not committed. */
    @Override
    public void close() {
        try {
            if (writer != null) {
                writer.close();
            }
            for (Path p : parts) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the unfinished files in " + dir, e);
        }
    }

    private void open() throws IOException {
        Files.createDirectories(dir);
        Path tmp = dir.resolve(name(parts.size()) + ".tmp");
        parts.add(tmp);
        rowsInFile = 0;
        writer = new Builder(new LocalOutputFile(tmp))
                .withConf(new PlainParquetConfiguration())
                .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
                .withCodecFactory(new Codecs())
                .withCompressionCodec(format.codec())
                .withRowGroupSize(format.rowGroupBytes())
                .withPageWriteChecksumEnabled(true)
                // values that rarely repeat: a dictionary would be tried, then dropped, on every page
                .withDictionaryEncoding("id", false)
                .withDictionaryEncoding("data", false)
                .withDictionaryEncoding("data_text", false)
                .withDictionaryEncoding("key", false)
                .withDictionaryEncoding("kafka_offset", false)
                .withDictionaryEncoding("time", false)
                .withDictionaryEncoding("kafka_timestamp", false)
                // min/max of whole payloads help no query
                .withStatisticsEnabled("data", false)
                .withStatisticsEnabled("data_text", false)
                .build();
    }

    static String name(int part) {
        return String.format("%s%05d%s", PREFIX, part, SUFFIX);
    }

    /** The number of a part's file name; -1 for a name this tool does not give. */
    static int number(String fileName) {
        if (!fileName.startsWith(PREFIX) || !fileName.endsWith(SUFFIX)
                || fileName.length() <= PREFIX.length() + SUFFIX.length()) {
            return -1;
        }
        try {
            return Integer.parseInt(fileName.substring(PREFIX.length(), fileName.length() - SUFFIX.length()));
        } catch (NumberFormatException e) {
            return -1; // not one of ours: leave it
        }
    }

    private static final class Builder extends ParquetWriter.Builder<ScanResult, Builder> {
        Builder(OutputFile file) {
            super(file);
        }

        @Override
        protected Builder self() {
            return this;
        }

        @Override
        @SuppressWarnings("deprecation") // still abstract in parquet-hadoop: must be implemented
        protected WriteSupport<ScanResult> getWriteSupport(org.apache.hadoop.conf.Configuration conf) {
            return new MessageWriteSupport();
        }

        @Override
        protected WriteSupport<ScanResult> getWriteSupport(org.apache.parquet.conf.ParquetConfiguration conf) {
            return new MessageWriteSupport();
        }
    }
}
