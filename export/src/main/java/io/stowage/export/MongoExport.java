package io.stowage.export;

import com.mongodb.MongoException;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.WriteModel;
import com.google.protobuf.ByteString;
import io.stowage.api.v1.GetBatchRequest;
import io.stowage.api.v1.GetBatchResponse;
import io.stowage.api.v1.ScanResult;
import io.stowage.client.StowageClient;
import io.stowage.client.StowageException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.bson.BsonArray;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.BsonValue;
import org.bson.RawBsonDocument;
import org.bson.json.JsonParseException;

/**
 * Exports a range of the archive into a MongoDB collection: each live message's stored BSON
 * document as the archive holds it ({@code _id} is the message id; the data's bytes are kept as
 * they are), with the stream added, and the data parsed into {@code data_json} when it is a JSON
 * object or array, so that its fields can be queried and indexed. Documents are replaced by
 * {@code _id} (upsert), so a run again overwrites and never duplicates.
 */
final class MongoExport {
    /** What a run wrote. */
    record Summary(long messages, long inserted, long replaced) {}

    private final StowageClient client;
    private final MongoTarget target;
    private final int batch;
    private final Progress progress;

    MongoExport(StowageClient client, MongoTarget target, int batch, Progress progress) {
        this.client = client;
        this.target = target;
        this.batch = batch;
        this.progress = progress;
    }

    Summary run(ExportRange range) {
        long inserted = 0;
        long replaced = 0;
        try (MongoClient mongo = target.open()) {
            MongoCollection<BsonDocument> collection = target.collection(mongo);
            for (String stream : range.resolveStreams(client)) {
                List<String> ids = new ArrayList<>(batch);
                try (Stream<ScanResult> results = client.scan(range.scan(stream).toBuilder().setIdsOnly(true).build())) {
                    for (ScanResult r : (Iterable<ScanResult>) results::iterator) {
                        ids.add(r.getId());
                        if (ids.size() == batch) {
                            long[] counts = write(collection, stream, ids);
                            inserted += counts[0];
                            replaced += counts[1];
                            ids.clear();
                        }
                    }
                }
                if (!ids.isEmpty()) {
                    long[] counts = write(collection, stream, ids);
                    inserted += counts[0];
                    replaced += counts[1];
                }
            }
        } catch (MongoException e) {
            throw new StowageException("MongoDB at " + target.describe() + " failed: " + e.getMessage(),
                    io.grpc.Status.Code.UNAVAILABLE, e);
        }
        progress.finish();
        return new Summary(progress.messages(), inserted, replaced);
    }

    /** Fetches the documents of {@code ids} and replaces them in the collection; returns {inserted, replaced}. */
    private long[] write(MongoCollection<BsonDocument> collection, String stream, List<String> ids) {
        GetBatchResponse got = client.getBatch(GetBatchRequest.newBuilder().addAllIds(ids).setIncludeDocuments(true).build());
        List<WriteModel<BsonDocument>> writes = new ArrayList<>(got.getDocumentsCount());
        long bytes = 0;
        for (ByteString stored : got.getDocumentsList()) {
            BsonDocument doc = toMongo(stored.toByteArray(), stream);
            writes.add(new ReplaceOneModel<>(Filters.eq("_id", doc.get("_id")), doc, new ReplaceOptions().upsert(true)));
            bytes += stored.size();
        }
        if (writes.isEmpty()) {
            return new long[] {0, 0}; // deleted between the scan and the fetch
        }
        BulkWriteResult result = collection.bulkWrite(writes, new BulkWriteOptions().ordered(false));
        progress.add(writes.size(), bytes, stream);
        return new long[] {result.getUpserts().size(), result.getMatchedCount()};
    }

    /** The stored document, with the stream and the data as a subdocument when it is JSON. */
    static BsonDocument toMongo(byte[] stored, String stream) {
        BsonDocument doc = new RawBsonDocument(stored).toBsonDocument();
        BsonDocument out = new BsonDocument("_id", doc.get("_id"));
        out.put("stream", new BsonString(stream));
        doc.forEach((k, v) -> {
            if (!k.equals("_id")) {
                out.put(k, v);
            }
        });
        String text = doc.containsKey("text_data") ? doc.getString("text_data").getValue()
                : doc.containsKey("binary_data") ? MessageWriteSupport.utf8(
                        ByteString.copyFrom(doc.getBinary("binary_data").getData())) : null;
        BsonValue json = text == null ? null : parseJson(text);
        if (json != null) {
            out.put("data_json", json);
        }
        return out;
    }

    private static BsonValue parseJson(String text) {
        String t = text.strip();
        try {
            if (t.startsWith("{")) {
                return BsonDocument.parse(t);
            }
            if (t.startsWith("[")) {
                return BsonArray.parse(t);
            }
        } catch (JsonParseException | org.bson.BsonInvalidOperationException | IllegalArgumentException e) {
            return null; // looks like JSON but is not: the bytes stay in binary_data
        }
        return null;
    }
}
