package io.stowage.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import io.stowage.api.cloudevents.CloudEvent;
import io.stowage.api.cloudevents.CloudEventAttributeValue;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.ScanRequest;
import io.stowage.api.v1.ScanResult;
import io.stowage.common.message.Timestamps;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonBinary;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonString;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both MongoDB directions against a MongoDB server given by the subclass: export a range of a
 * real archive into a collection, and import an awakari messages collection into the archive.
 */
abstract class MongoToolsContract {
    @TempDir
    Path temp;

    private Archive archive;
    private MongoClient mongo;
    private String database;

    /** mongodb://host:port/ of the server under test. */
    abstract String mongoUri();

    @BeforeEach
    void start(TestInfo test) {
        archive = new Archive(test.getDisplayName(), temp).withRecords();
        mongo = MongoClients.create(mongoUri());
        database = "t" + Long.toHexString(System.nanoTime());
    }

    @AfterEach
    void stop() {
        mongo.getDatabase(database).drop();
        mongo.close();
        archive.close();
    }

    @Test
    void exportWritesTheStoredDocumentsWithJsonDataAsSubdocumentsOncePerId() {
        String to = mongoUri() + database + ".alerts";
        Archive.Run first = archive.exportPrinting("--stream", "alerts", "--to", to, "--batch", "7");
        assertThat(first.exit()).as(first.err()).isZero();
        assertThat(first.out()).contains("32 messages", "32 new", "0 replaced");

        MongoCollection<Document> alerts = mongo.getDatabase(database).getCollection("alerts");
        assertThat(alerts.countDocuments()).isEqualTo(32);
        List<String> mag9 = new ArrayList<>();
        alerts.find(Filters.eq("data_json.mag", 9)).forEach(d -> mag9.add(d.getString("_id")));
        assertThat(mag9).containsExactlyInAnyOrder("rec-9", "rec-19", "rec-29");

        BsonDocument rec1 = mongo.getDatabase(database).getCollection("alerts", BsonDocument.class)
                .find(Filters.eq("_id", "rec-1")).first();
        Message original = archive.records.get(1);
        assertThat(rec1.getBinary("binary_data").getData()).isEqualTo(original.getBinaryData().toByteArray());
        assertThat(rec1.getString("stream").getValue()).isEqualTo("alerts");
        assertThat(rec1.getDocument("kafka").getArray("headers").get(1).asDocument().get("value").isNull()).isTrue();
        assertThat(rec1.getDocument("kafka").getArray("headers").get(2).asDocument().getBinary("value").getData())
                .containsExactly(0xff, 0);
        BsonDocument tombstone = mongo.getDatabase(database).getCollection("alerts", BsonDocument.class)
                .find(Filters.eq("_id", "rec-7")).first();
        assertThat(tombstone.getDocument("kafka").getBoolean("null_value").getValue()).isTrue();
        assertThat(tombstone.containsKey("data_json")).isFalse();

        Archive.Run again = archive.exportPrinting("--stream", "alerts", "--to", to);
        assertThat(again.out()).contains("32 messages", "0 new", "32 replaced");
        assertThat(alerts.countDocuments()).isEqualTo(32);
    }

    @Test
    void importStoresAnAwakariCollectionCountsRejectsAndGoesOnFromItsCheckpoint() throws Exception {
        MongoCollection<BsonDocument> source = mongo.getDatabase(database).getCollection("messages", BsonDocument.class);
        Instant t0 = Instant.parse("2024-06-01T08:00:00Z");
        for (int i = 0; i < 5; i++) {
            source.insertOne(awakari("aw-" + i, t0.plusSeconds(i), event("aw-" + i, i).toByteArray()));
        }
        source.insertOne(awakari("aw-bad", t0.plusSeconds(10), new byte[] {(byte) 0xff, 1, 2}));
        source.insertOne(new BsonDocument("id", new BsonString("aw-none")).append("time", new BsonDateTime(t0.toEpochMilli())));
        Path checkpoint = temp.resolve("cp");
        String from = mongoUri() + database + ".messages";

        Archive.Run first = archive.importFrom("--from", from, "--checkpoint", checkpoint.toString(), "--batch", "2");
        assertThat(first.exit()).as(first.err()).isEqualTo(3);
        assertThat(first.out()).contains("read 7, stored 5, rejected 2");
        List<Message> got = archive.client().get(List.of("aw-0", "aw-4"));
        assertThat(got).extracting(Message::getId).containsExactly("aw-0", "aw-4");
        assertThat(got.get(1).getTextData()).isEqualTo("awakari says 4");
        // no time attribute in the event: the document's time places it
        List<ScanResult> placed = archive.client().scan(ScanRequest.newBuilder().setStream("https://awakari.example/src")
                .setIdsOnly(true).build()).toList();
        assertThat(placed).hasSize(5);
        assertThat(Timestamps.toInstant(placed.get(0).getTime())).isEqualTo(t0);

        source.insertOne(awakari("aw-5", t0.plusSeconds(20), event("aw-5", 5).toByteArray()));
        Archive.Run second = archive.importFrom("--from", from, "--checkpoint", checkpoint.toString());
        assertThat(second.exit()).isZero();
        assertThat(second.out()).contains("read 8, stored 6, rejected 2", "this run read 1 and rejected 0");
        assertThat(Files.readString(checkpoint)).contains("id=aw-5");
        assertThat(archive.client().get(List.of("aw-5"))).hasSize(1);
    }

    private static CloudEvent event(String id, int i) {
        CloudEvent.Builder e = CloudEvent.newBuilder().setId(id).setSource("https://awakari.example/src")
                .setSpecVersion("1.0").setType("com.awakari.test").setTextData("awakari says " + i)
                .putAttributes("subject", CloudEventAttributeValue.newBuilder().setCeString("s" + i).build());
        return e.build();
    }

    private static BsonDocument awakari(String id, Instant time, byte[] event) {
        return new BsonDocument("id", new BsonString(id)).append("time", new BsonDateTime(time.toEpochMilli()))
                .append("data", new BsonBinary(event));
    }
}
