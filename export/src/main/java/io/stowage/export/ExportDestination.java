package io.stowage.export;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;

/**
 * Where the hour partitions of a Parquet export end up: the local directory they are written in,
 * or an S3 bucket they are uploaded to. Partitions are named by their relative path,
 * {@code stream=<stream>/type=<type>/dt=YYYY-MM-DD/hr=HH}, the same in both.
 */
interface ExportDestination {
    /**
     * The partition {@code partition} is complete in the local directory {@code dir}: files
     * {@code part-00000.parquet} up to {@code parts - 1}. Makes them the partition's whole content
     * at the destination (parts numbered {@code parts} and up, from an earlier run, are removed).
     */
    void publish(String partition, Path dir, int parts) throws IOException;

    /**
     * Removes the hour partitions of {@code stream} (of the range's type, if it has one) whose hour
     * the range covers and that this run did not write ({@code written}): their messages are gone.
     * Returns how many it removed.
     */
    long removeStale(String stream, ExportRange range, Set<String> written) throws IOException;

    /** Where, for messages: the directory or the s3:// URI. */
    String describe();
}
