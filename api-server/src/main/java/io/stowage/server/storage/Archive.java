package io.stowage.server.storage;

import io.stowage.api.v1.Message;
import io.stowage.common.bson.DocumentFrames;
import io.stowage.common.message.ContentDigest;
import io.stowage.server.metrics.ArchiveMetrics;
import io.stowage.server.metrics.OutageLog;
import io.stowage.server.storage.blob.BlobDeleter;
import io.stowage.server.storage.error.DataLossException;
import io.stowage.server.storage.error.InvalidRequestException;
import io.stowage.server.storage.error.StorageUnavailableException;
import io.stowage.server.storage.index.CountQuery;
import io.stowage.server.storage.index.CountResult;
import io.stowage.server.storage.index.DeleteOutcome;
import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.storage.index.ScanQuery;
import io.stowage.server.storage.index.ScanRow;
import io.stowage.server.storage.index.SegmentRef;
import io.stowage.server.storage.index.StreamStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The archive's operations, as the gRPC services use them: put, get, delete, scan, status. */
public final class Archive {
    private static final Logger log = LoggerFactory.getLogger(Archive.class);
    private static final int SCAN_PAGE = 500;
    /** How long a GetBatch waits for room under the server's cap on bytes in flight. */
    private static final Duration READ_WAIT = Duration.ofSeconds(30);

    private final BatchWriter writer;
    private final MessageReader reader;
    private final MessageIndex index;
    private final BlobDeleter blobs;
    private final Limits limits;
    private final BytesInFlight reads;
    private final ArchiveMetrics metrics;
    private final OutageLog outages;

    public Archive(BatchWriter writer, MessageReader reader, MessageIndex index, BlobDeleter blobs, Limits limits,
            ArchiveMetrics metrics, OutageLog outages) {
        this.writer = writer;
        this.reader = reader;
        this.index = index;
        this.blobs = blobs;
        this.limits = limits;
        this.reads = new BytesInFlight(limits.getBytesInFlight(), READ_WAIT);
        this.metrics = metrics;
        this.outages = outages;
    }

    /** Bytes of GetBatch calls held under the server's cap right now. */
    long readBytesInFlight() {
        return reads.inUse();
    }

    public PutOutcome put(List<Message> batch) {
        PutOutcome outcome = writer.put(batch);
        metrics.put(outcome.acknowledged(), outcome.rejected().size());
        return outcome;
    }

    /**
     * The stored messages with these ids, in the order of the ids' first appearance, as far as
     * {@link Limits#getResponseBytes()} of stored documents go; unknown ids are left out and the
     * rest is dropped (a caller that can say so uses {@link #getStored(List, long)}).
     */
    public List<Message> get(List<String> ids) {
        try (StoredBatch batch = getStored(ids, limits.getResponseBytes())) {
            return batch.found().stream().map(StoredMessage::message).toList();
        }
    }

    /**
     * Like {@link #get}, with each message's stored document as it is in its segment, and the known
     * ids that did not fit in {@code budget} bytes of documents (decided by the index's lengths
     * before reading, and by each document's real length before decompressing it), for the caller
     * to ask again. The batch holds its share of the server's
     * {@link BytesInFlight} until it is closed: close it once the response is sent.
     */
    public StoredBatch getStored(List<String> ids, long budget) {
        LinkedHashSet<String> unique = uniqueIds(ids);
        ResponseBudget.Split split = ResponseBudget.split(unique, index.locate(unique), budget);
        List<BytesInFlight.Permit> permits = new ArrayList<>(List.of(reads.reserve(split.bytes())));
        try {
            List<String> cut = new ArrayList<>();
            List<StoredMessage> found = read(unique, split, budget, cut, permits);
            if (!cut.isEmpty()) {
                cut.addAll(split.remaining());
            }
            return new StoredBatch(found, cut.isEmpty() ? split.remaining() : cut, List.copyOf(permits));
        } catch (RuntimeException e) {
            permits.forEach(BytesInFlight.Permit::close);
            throw e;
        }
    }

    /**
     * The messages of {@code split} in request order. A compressed document is larger than what
     * the index counts for it, so the budget is checked again on each document's real length
     * (declared by its frame, before it is decompressed): the ids past it go to {@code cut}.
     */
    private List<StoredMessage> read(LinkedHashSet<String> unique, ResponseBudget.Split split, long budget,
            List<String> cut, List<BytesInFlight.Permit> permits) {
        Map<String, byte[]> found = reader.readStored(split.now());
        Map<String, byte[]> digests = found.isEmpty() ? Map.of() : index.findDigests(found.keySet());
        List<String> kept = new ArrayList<>(found.size());
        long used = 0;
        long unpacked = 0;
        for (String id : unique) {
            byte[] stored = found.get(id);
            if (stored == null || digests.get(id) == null) {
                continue; // no digest: deleted while we read
            }
            long size = DocumentFrames.documentSize(stored);
            if (!cut.isEmpty() || (!kept.isEmpty() && used + size > budget)) {
                cut.add(id);
                continue;
            }
            kept.add(id);
            used += size;
            unpacked += DocumentFrames.isFrame(stored) ? size : 0;
        }
        // decompressed documents live beside the stored bytes the first permit covers: reserve them too
        if (unpacked > 0) {
            permits.add(reads.reserve(unpacked));
        }
        List<StoredMessage> result = new ArrayList<>(kept.size());
        try (DocumentFrames.Decoder decoder = DocumentFrames.decoder()) {
            for (String id : kept) {
                byte[] doc = reader.document(decoder, id, found.get(id));
                result.add(new StoredMessage(checked(id, MessageReader.decode(id, doc), digests.get(id)), doc));
            }
        }
        metrics.returned(result.size());
        return result;
    }

    /** Stored messages in request order, and the known ids left for another call; close it when sent. */
    public record StoredBatch(List<StoredMessage> found, List<String> remaining, List<BytesInFlight.Permit> permits)
            implements AutoCloseable {
        @Override
        public void close() {
            permits.forEach(BytesInFlight.Permit::close);
        }
    }

    /** A message and its stored BSON document. */
    public record StoredMessage(Message message, byte[] document) {}

    /** Deletes these ids; returns how many were stored. Segments left empty are removed at once. */
    public long delete(List<String> ids) {
        DeleteOutcome outcome = index.delete(uniqueIds(ids));
        for (SegmentRef empty : outcome.emptied()) {
            try {
                blobs.delete(empty.objectKey());
                index.removeSegment(empty.id());
            } catch (RuntimeException e) {
                // the next Clean removes it; the delete itself has happened
                if (e instanceof StorageUnavailableException u && u.dependency().isPresent()) {
                    outages.failed(u.dependency().get(), e); // logged once per outage, not per call
                } else {
                    log.warn("Could not remove emptied segment {} now; the next clean will", empty.objectKey(), e);
                }
            }
        }
        metrics.deleted(outcome.deleted());
        return outcome.deleted();
    }

    /**
     * Streams the messages of a scan to {@code sink}, page by page, until the query's limit, the
     * end of the range, or the sink declines more.
     */
    public void scan(ScanQuery query, boolean idsOnly, ScanSink sink) {
        scanPages(query, idsOnly, (row, msg) -> {
            boolean taken = sink.accept(row, msg);
            if (taken) {
                metrics.scanned(1);
            }
            return taken;
        });
    }

    private void scanPages(ScanQuery query, boolean idsOnly, ScanSink sink) {
        ScanQuery page = query;
        int remaining = query.limit();
        while (remaining > 0) {
            int size = Math.min(SCAN_PAGE, remaining);
            List<ScanRow> rows = index.scan(page.withLimit(size));
            Map<String, Message> messages = idsOnly ? Map.of()
                    : reader.read(rows.stream().map(ScanRow::location).toList());
            Map<String, byte[]> digests = messages.isEmpty() ? Map.of() : index.findDigests(messages.keySet());
            for (ScanRow row : rows) {
                Message msg = messages.get(row.id());
                byte[] digest = digests.get(row.id());
                if (!idsOnly && (msg == null || digest == null)) {
                    continue; // deleted while we scanned
                }
                if (!idsOnly) {
                    checked(row.id(), msg, digest);
                }
                if (!sink.accept(row, msg)) {
                    return;
                }
            }
            if (rows.size() < size) {
                return;
            }
            remaining -= rows.size();
            page = page.next(rows.get(rows.size() - 1).position(query.order()), remaining);
        }
    }

    /**
     * What is served is checked against the content digest the index took at PutBatch, so a store
     * that returns other bytes (a flipped bit in a payload) is never served as the message.
     */
    private static Message checked(String id, Message message, byte[] digest) {
        if (!Arrays.equals(ContentDigest.of(message), digest)) {
            throw new DataLossException("the stored document of message '" + id + "' does not match the content"
                    + " digest taken when it was stored: the store gave back other bytes; run stowage verify", null);
        }
        return message;
    }

    public Limits limits() {
        return limits;
    }

    /** Per Kafka partition counts of a range, and the answers to its probes, from the index alone. */
    public CountResult count(CountQuery query) {
        return index.count(query);
    }

    public List<StreamStats> status(Optional<String> stream) {
        return index.status(stream);
    }

    private LinkedHashSet<String> uniqueIds(List<String> ids) {
        if (ids.size() > limits.maxBatchMessages()) {
            throw new InvalidRequestException(ids.size() + " ids in one request; at most " + limits.maxBatchMessages()
                    + " are allowed: split it");
        }
        return new LinkedHashSet<>(ids);
    }

    /** Receives scan results; returns false to stop the scan. */
    @FunctionalInterface
    public interface ScanSink {
        boolean accept(ScanRow row, Message msgOrNull);
    }
}
