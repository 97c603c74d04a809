package io.stowage.export;

import com.google.protobuf.InvalidProtocolBufferException;
import com.mongodb.MongoException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCursor;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import io.grpc.Status;
import io.stowage.api.v1.AttributeValue;
import io.stowage.api.v1.Message;
import io.stowage.client.PutResult;
import io.stowage.client.StowageClient;
import io.stowage.client.StowageException;
import io.stowage.common.message.Timestamps;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.conversions.Bson;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves the messages of an awakari messages collection into the archive through PutBatch. Each
 * source document holds the message id, a time and the serialized CloudEvent (protobuf bytes,
 * which Stowage's message reads field for field). Documents are read in (time, id) order and a
 * checkpoint is written after every stored batch, so an import stopped midway and run again goes
 * on from where it stopped; storing a message again is a no-op in any case.
 */
final class AwakariImport {
    private static final Logger log = LoggerFactory.getLogger(AwakariImport.class);

    /** The field names of the source documents. */
    record Shape(String idField, String timeField, String eventField) {}

    /** What this run and the runs before it (from the checkpoint) read, stored and rejected; and this run alone. */
    record Summary(long read, long stored, long rejected, long readNow, long rejectedNow) {}

    private final StowageClient client;
    private final MongoTarget source;
    private final Shape shape;
    private final Path checkpointFile;
    private final int batch;
    private final Progress progress;

    AwakariImport(StowageClient client, MongoTarget source, Shape shape, Path checkpointFile, int batch,
            Progress progress) {
        this.client = client;
        this.source = source;
        this.shape = shape;
        this.checkpointFile = checkpointFile;
        this.batch = batch;
        this.progress = progress;
    }

    Summary run() {
        ImportCheckpoint cp = ImportCheckpoint.load(checkpointFile).orElse(ImportCheckpoint.START);
        List<Message> pending = new ArrayList<>(batch);
        long read = cp.read();
        long stored = cp.stored();
        long rejected = cp.rejected();
        long lastTime = cp.timeMillis();
        String lastId = cp.id();
        try (MongoClient mongo = source.open();
                MongoCursor<BsonDocument> docs = source.collection(mongo).find(after(cp))
                        .sort(Sorts.ascending(shape.timeField(), shape.idField())).batchSize(batch).iterator()) {
            while (docs.hasNext()) {
                BsonDocument doc = docs.next();
                read++;
                BsonValue t = doc.get(shape.timeField());
                BsonValue i = doc.get(shape.idField());
                if (t != null && t.isDateTime() && i != null && i.isString()) {
                    lastTime = t.asDateTime().getValue(); // the resume position, whatever becomes of the document
                    lastId = i.asString().getValue();
                }
                try {
                    pending.add(toMessage(doc));
                } catch (RejectedDocument e) {
                    rejected++;
                    log.warn("document {} not imported: {}", doc.get("_id"), e.getMessage());
                }
                if (pending.size() == batch) {
                    long[] counts = put(pending);
                    stored += counts[0];
                    rejected += counts[1];
                    pending.clear();
                    new ImportCheckpoint(lastTime, lastId, read, stored, rejected).save(checkpointFile);
                }
            }
            if (!pending.isEmpty()) {
                long[] counts = put(pending);
                stored += counts[0];
                rejected += counts[1];
            }
            new ImportCheckpoint(lastTime, lastId, read, stored, rejected).save(checkpointFile);
        } catch (MongoException e) {
            throw new StowageException("MongoDB at " + source.describe() + " failed: " + e.getMessage()
                    + " (run the import again: it goes on from its checkpoint " + checkpointFile + ")",
                    Status.Code.UNAVAILABLE, e);
        }
        progress.finish();
        return new Summary(read, stored, rejected, read - cp.read(), rejected - cp.rejected());
    }

    private Bson after(ImportCheckpoint cp) {
        if (cp.timeMillis() == Long.MIN_VALUE) {
            return new BsonDocument();
        }
        java.util.Date t = new java.util.Date(cp.timeMillis());
        return Filters.or(Filters.gt(shape.timeField(), t),
                Filters.and(Filters.eq(shape.timeField(), t), Filters.gt(shape.idField(), cp.id())));
    }

    /** Stores {@code msgs}; returns {stored, rejected}. A batch the server refuses as invalid is put one by one. */
    private long[] put(List<Message> msgs) {
        long bytes = msgs.stream().mapToLong(Message::getSerializedSize).sum();
        long[] counts;
        try {
            PutResult r = client.put(msgs);
            r.rejected().forEach(x -> log.warn("message {} not stored: {}", x.id(), x.reason()));
            counts = new long[] {r.acknowledged(), r.rejected().size()};
        } catch (StowageException e) {
            if (e.code() != Status.Code.INVALID_ARGUMENT) {
                throw e;
            }
            counts = new long[] {0, 0};
            for (Message m : msgs) {
                try {
                    PutResult r = client.put(List.of(m));
                    counts[0] += r.acknowledged();
                    counts[1] += r.rejected().size();
                } catch (StowageException one) {
                    if (one.code() != Status.Code.INVALID_ARGUMENT) {
                        throw one;
                    }
                    counts[1]++;
                    log.warn("message {} not stored: {}", m.getId(), one.getMessage());
                }
            }
        }
        progress.add(msgs.size(), bytes, "");
        return counts;
    }

    /** The archived message of one source document: its CloudEvent, with the document's id and time. */
    Message toMessage(BsonDocument doc) throws RejectedDocument {
        BsonValue event = doc.get(shape.eventField());
        if (event == null || !event.isBinary()) {
            throw new RejectedDocument("no serialized CloudEvent (binary) in field '" + shape.eventField() + "'");
        }
        BsonValue time = doc.get(shape.timeField());
        if (time == null || !time.isDateTime()) {
            throw new RejectedDocument("no time (date) in field '" + shape.timeField() + "'");
        }
        Message.Builder m;
        try {
            m = Message.parseFrom(event.asBinary().getData()).toBuilder();
        } catch (InvalidProtocolBufferException e) {
            throw new RejectedDocument("field '" + shape.eventField() + "' is not a CloudEvent: " + e.getMessage());
        }
        BsonValue id = doc.get(shape.idField());
        String docId = id != null && id.isString() ? id.asString().getValue() : null;
        if (m.getId().isEmpty() && docId != null) {
            m.setId(docId);
        } else if (docId != null && !docId.equals(m.getId())) {
            throw new RejectedDocument("the CloudEvent's id " + m.getId() + " is not the document's id " + docId);
        }
        if (m.getId().isEmpty()) {
            throw new RejectedDocument("no message id");
        }
        if (!m.containsAttributes("time")) {
            // the document's time places the message in the archive's layout as awakari dated it
            m.putAttributes("time", AttributeValue.newBuilder().setCeTimestamp(Timestamps.fromInstant(
                    Instant.ofEpochMilli(time.asDateTime().getValue()))).build());
        }
        if (m.getSpecVersion().isEmpty()) {
            m.setSpecVersion("1.0");
        }
        return m.build();
    }

    /** A source document that cannot become a message. */
    static final class RejectedDocument extends Exception {
        RejectedDocument(String reason) {
            super(reason);
        }
    }
}
