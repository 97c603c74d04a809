package io.stowage.server.storage;

import io.stowage.common.bson.DocumentFormatException;
import io.stowage.common.bson.DocumentFrames;
import io.stowage.common.bson.MessageCodec;
import io.stowage.api.v1.Message;
import io.stowage.server.storage.blob.BlobNotFoundException;
import io.stowage.server.storage.blob.BlobReader;
import io.stowage.server.storage.error.DataLossException;
import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.storage.index.MessageLocation;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads stored documents by location. Ranges of the same segment that lie close together are
 * read with one ranged request; different segments are read in parallel. A location can go stale
 * while we read (the cleaner rewrote the segment, or the message was deleted): such ids are looked
 * up again once, and left out if they are gone.
 */
public final class MessageReader {
    /** Ranges closer than this are read together: fetching a small gap beats another request. */
    static final int COALESCE_GAP = 64 * 1024;
    /** A coalesced read is kept under this size. */
    static final int MAX_READ = 8 * 1024 * 1024;

    private final BlobReader blobs;
    private final MessageIndex index;
    private final ParallelIo io;
    private final SegmentFormat format;

    public MessageReader(BlobReader blobs, MessageIndex index, ParallelIo io) {
        this(blobs, index, io, SegmentFormat.PLAIN);
    }

    /** Reads documents of both forms; {@code format} bounds what a compressed one may declare. */
    public MessageReader(BlobReader blobs, MessageIndex index, ParallelIo io, SegmentFormat format) {
        this.blobs = blobs;
        this.index = index;
        this.io = io;
        this.format = format;
    }

    /** The messages at {@code locations}, by id; ids whose message is gone are left out. */
    public Map<String, Message> read(List<MessageLocation> locations) {
        Map<String, byte[]> docs = readDocuments(locations);
        Map<String, Message> messages = new HashMap<>(docs.size() * 2);
        for (Map.Entry<String, byte[]> e : docs.entrySet()) {
            messages.put(e.getKey(), decode(e.getKey(), e.getValue()));
        }
        return messages;
    }

    /**
     * The BSON documents at {@code locations}, by id, compressed ones unwrapped; ids whose message
     * is gone are left out. A damaged frame is reported as data loss.
     */
    public Map<String, byte[]> readDocuments(List<MessageLocation> locations) {
        Map<String, byte[]> stored = readStored(locations);
        try (DocumentFrames.Decoder decoder = DocumentFrames.decoder()) {
            for (Map.Entry<String, byte[]> e : stored.entrySet()) {
                e.setValue(document(decoder, e.getKey(), e.getValue()));
            }
        }
        return stored;
    }

    /** The BSON document of message {@code id} stored as {@code stored}; a damaged frame is reported as data loss. */
    public byte[] document(DocumentFrames.Decoder decoder, String id, byte[] stored) {
        try {
            return format.unwrap(decoder, stored);
        } catch (DocumentFormatException ex) {
            throw new DataLossException("the stored document of message '" + id + "' is unreadable: "
                    + ex.getMessage() + "; run stowage verify", ex);
        }
    }

    /** The message stored as {@code document}; damage is reported as data loss. */
    public static Message decode(String id, byte[] document) {
        try {
            return MessageCodec.decode(document);
        } catch (DocumentFormatException ex) {
            throw new DataLossException("the stored document of message '" + id + "' is unreadable: "
                    + ex.getMessage() + "; run stowage verify", ex);
        }
    }

    /**
     * The documents at {@code locations} as they are stored (plain or a zstd frame), by id; ids
     * whose message is gone are left out.
     */
    public Map<String, byte[]> readStored(List<MessageLocation> locations) {
        Map<String, byte[]> docs = new ConcurrentHashMap<>();
        List<MessageLocation> stale = readOnce(locations, docs);
        if (!stale.isEmpty()) {
            List<MessageLocation> relocated = index.locate(stale.stream().map(MessageLocation::id).toList());
            List<MessageLocation> missing = readOnce(relocated, docs);
            if (!missing.isEmpty()) {
                MessageLocation m = missing.get(0);
                throw new DataLossException("message '" + m.id() + "' is indexed in " + m.objectKey()
                        + " but that object is missing; run stowage verify", null);
            }
        }
        return docs;
    }

    /** Reads what it can into {@code docs}; returns the locations whose object was missing. */
    private List<MessageLocation> readOnce(List<MessageLocation> locations, Map<String, byte[]> docs) {
        List<RangeRead> reads = plan(locations);
        List<MessageLocation> missing = java.util.Collections.synchronizedList(new ArrayList<>());
        io.runAll(reads.size(), i -> {
            RangeRead read = reads.get(i);
            byte[] bytes;
            try {
                bytes = blobs.readRange(read.key, read.start, read.length());
            } catch (BlobNotFoundException e) {
                missing.addAll(read.members);
                return;
            }
            for (MessageLocation m : read.members) {
                int from = (int) (m.offset() - read.start);
                docs.put(m.id(), java.util.Arrays.copyOfRange(bytes, from, from + m.length()));
            }
        });
        return missing;
    }

    static List<RangeRead> plan(List<MessageLocation> locations) {
        Map<String, List<MessageLocation>> bySegment = new LinkedHashMap<>();
        for (MessageLocation l : locations) {
            bySegment.computeIfAbsent(l.objectKey(), k -> new ArrayList<>()).add(l);
        }
        List<RangeRead> reads = new ArrayList<>();
        for (Map.Entry<String, List<MessageLocation>> e : bySegment.entrySet()) {
            List<MessageLocation> sorted = new ArrayList<>(e.getValue());
            sorted.sort(Comparator.comparingInt(MessageLocation::offset));
            RangeRead current = null;
            for (MessageLocation l : sorted) {
                long end = (long) l.offset() + l.length();
                if (current != null && l.offset() - current.end <= COALESCE_GAP && end - current.start <= MAX_READ) {
                    current.end = Math.max(current.end, end);
                    current.members.add(l);
                } else {
                    current = new RangeRead(e.getKey(), l.offset(), end);
                    current.members.add(l);
                    reads.add(current);
                }
            }
        }
        return reads;
    }

    /** One ranged read covering several stored documents of a segment. */
    static final class RangeRead {
        final String key;
        final long start;
        long end;
        final List<MessageLocation> members = new ArrayList<>();

        RangeRead(String key, long start, long end) {
            this.key = key;
            this.start = start;
            this.end = end;
        }

        int length() {
            return (int) (end - start);
        }
    }
}
