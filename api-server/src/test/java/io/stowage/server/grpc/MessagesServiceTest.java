package io.stowage.server.grpc;

import static io.stowage.server.testing.Msgs.event;
import static io.stowage.server.testing.Msgs.header;
import static io.stowage.server.testing.Msgs.kafka;
import static io.stowage.server.testing.Msgs.randomBytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.stowage.api.v1.AttributeValue;
import io.stowage.api.v1.DeleteBatchRequest;
import io.stowage.api.v1.GetBatchRequest;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.PutBatchRequest;
import io.stowage.api.v1.PutBatchResponse;
import io.stowage.api.v1.ScanRequest;
import io.stowage.api.v1.ScanResult;
import io.stowage.api.v1.StatusRequest;
import io.stowage.api.v1.StreamStatus;
import io.stowage.server.storage.ObjectKeys;
import io.stowage.server.storage.blob.BlobLister;
import io.stowage.server.testing.ArchiveServer;
import io.stowage.server.testing.ArchiveServer.Backend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** The Messages and Admin services through real stubs, over real storage; one subclass per blob store. */
abstract class MessagesServiceTest {
    static final String DESIGN_EXAMPLE = """
            {"msgs":[{"id":"3426d090-1b8a-4a09-ac9c-41f2de24d5ac","type":"example.type","source":"example/uri",
              "spec_version":"1.0","attributes":{"subject":{"ce_string":"Yoda"},
              "time":{"ce_timestamp":"1985-05-11T12:02:05.25Z"}},"text_data":"Try not. Do or do not."}]}""";
    static final Instant T = Instant.parse("2024-06-01T12:30:00Z");

    @TempDir
    Path tempDir;
    ArchiveServer server;
    String testName;

    abstract Backend backend();

    @BeforeEach
    void start(TestInfo info) {
        testName = info.getTestMethod().orElseThrow().getName();
        server = ArchiveServer.start(testName, backend(), tempDir, Map.of());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void designJsonExampleRoundTrips() throws Exception {
        PutBatchRequest.Builder req = PutBatchRequest.newBuilder();
        JsonFormat.parser().merge(DESIGN_EXAMPLE, req);

        PutBatchResponse rsp = server.messages().putBatch(req.build());
        List<Message> got = get("3426d090-1b8a-4a09-ac9c-41f2de24d5ac");

        assertThat(rsp.getAckCount()).isEqualTo(1);
        assertThat(rsp.getRejectedList()).isEmpty();
        assertThat(got).containsExactly(req.getMsgs(0));
        assertThat(got.get(0).getAttributesOrThrow("time").getCeTimestamp().getNanos()).isEqualTo(250_000_000);
    }

    @Test
    void kafkaRecordsComeBackByteForByte() {
        List<Message> records = List.of(
                kafka("null-key", "orders", 0, 1).setBinaryData(ByteString.copyFromUtf8("v")).build(),
                kafka("empty-key", "orders", 0, 2).setBinaryData(ByteString.copyFromUtf8("v"))
                        .setKafka(kafka("x", "orders", 0, 2).getKafka().toBuilder().setKey(ByteString.EMPTY)).build(),
                kafka("tombstone", "orders", 1, 3)
                        .setKafka(kafka("x", "orders", 1, 3).getKafka().toBuilder()
                                .setKey(ByteString.copyFrom(randomBytes(16, 1))).setNullValue(true)).build(),
                kafka("headers", "orders", 1, 4).setBinaryData(ByteString.EMPTY)
                        .setKafka(kafka("x", "orders", 1, 4).getKafka().toBuilder()
                                .addHeaders(header("dup", "1".getBytes(StandardCharsets.UTF_8)))
                                .addHeaders(header("dup", "2".getBytes(StandardCharsets.UTF_8)))
                                .addHeaders(header("null", null))
                                .addHeaders(header("empty", new byte[0]))
                                .addHeaders(header("bin", randomBytes(64, 2)))
                                .addHeaders(header("dup", "3".getBytes(StandardCharsets.UTF_8)))).build(),
                kafka("random", "orders", 2, 5).setBinaryData(ByteString.copyFrom(randomBytes(4096, 3))).build(),
                kafka("big", "orders", 2, 6).setBinaryData(ByteString.copyFrom(randomBytes(1024 * 1024, 4))).build());

        assertThat(put(records).getAckCount()).isEqualTo(records.size());
        List<Message> got = get("big", "random", "headers", "tombstone", "empty-key", "null-key");

        assertThat(got).containsExactly(records.get(5), records.get(4), records.get(3), records.get(2), records.get(1),
                records.get(0));
        assertThat(got.get(5).getKafka().hasKey()).isFalse();
        assertThat(got.get(4).getKafka().hasKey()).isTrue();
        assertThat(got.get(3).getDataCase()).isEqualTo(Message.DataCase.DATA_NOT_SET);
        assertThat(got.get(2).getKafka().getHeadersList()).extracting(h -> h.getKey())
                .containsExactly("dup", "dup", "null", "empty", "bin", "dup");
    }

    @Test
    void rePutOfTheSameContentIsAcknowledgedAndStoredOnce() {
        Message msg = event("same", "src", "t", T, "hello");
        assertThat(put(List.of(msg)).getAckCount()).isEqualTo(1);
        PutBatchResponse again = put(List.of(msg, msg));

        assertThat(again.getAckCount()).isEqualTo(2);
        assertThat(again.getRejectedList()).isEmpty();
        StreamStatus status = status("src");
        assertThat(status.getMessages()).isEqualTo(1);
        // the re-put's copy went into a segment of its own, which holds nothing live until Clean deletes it
        assertThat(status.getSegments()).isEqualTo(2);
    }

    @Test
    void reDeliveredKafkaRecordAtAnotherOffsetIsTheSameMessage() {
        Message first = kafka("k1", "topic", 0, 10).setBinaryData(ByteString.copyFromUtf8("x")).build();
        Message second = first.toBuilder().setKafka(first.getKafka().toBuilder().setPartition(1).setOffset(99)).build();
        put(List.of(first));

        PutBatchResponse rsp = put(List.of(second));

        assertThat(rsp.getAckCount()).isEqualTo(1);
        assertThat(get("k1")).containsExactly(first);
    }

    @Test
    void conflictingRePutIsRejectedAndTheFirstStays() {
        Message original = event("c1", "src", "t", T, "first");
        put(List.of(original));

        PutBatchResponse rsp = put(List.of(event("fresh", "src", "t", T, "ok"), event("c1", "src", "t", T, "second")));

        assertThat(rsp.getAckCount()).isEqualTo(1);
        assertThat(rsp.getRejectedList()).singleElement().satisfies(r -> {
            assertThat(r.getId()).isEqualTo("c1");
            assertThat(r.getIndex()).isEqualTo(1);
            assertThat(r.getReason()).contains("other content");
        });
        assertThat(get("c1")).containsExactly(original);
    }

    @Test
    void sameIdTwiceInOneBatchWithOtherContentKeepsTheFirst() {
        PutBatchResponse rsp = put(List.of(event("d", "s", "t", T, "one"), event("d", "s", "t", T, "two")));

        assertThat(rsp.getAckCount()).isEqualTo(1);
        assertThat(rsp.getRejected(0).getIndex()).isEqualTo(1);
        assertThat(get("d").get(0).getTextData()).isEqualTo("one");
    }

    @Test
    void aRepeatSharesTheOutcomeOfItsFirstCopy() {
        put(List.of(event("r", "s", "t", T, "stored")));

        PutBatchResponse rsp = put(List.of(event("r", "s", "t", T, "other"), event("r", "s", "t", T, "other"),
                event("fine", "s", "t", T, "x"), event("fine", "s", "t", T, "x")));

        assertThat(rsp.getAckCount()).isEqualTo(2);
        assertThat(rsp.getRejectedList()).extracting(r -> r.getIndex()).containsExactly(0, 1);
    }

    @Test
    void getBatchLeavesOutUnknownIdsAndKeepsRequestOrder() {
        put(List.of(event("a", "s", "t", T, "a"), event("b", "s", "t", T.plusSeconds(1), "b"),
                event("c", "s", "t", T.plusSeconds(2), "c")));

        assertThat(get("c", "unknown", "a", "b", "a")).extracting(Message::getId).containsExactly("c", "a", "b");
        assertThat(get("nothing")).isEmpty();
    }

    @Test
    void deleteBatchCountsWhatItReallyDeleted() {
        put(List.of(event("a", "s", "t", T, "a"), event("b", "s", "t", T, "b")));

        assertThat(server.messages().deleteBatch(DeleteBatchRequest.newBuilder()
                .addIds("a").addIds("unknown").addIds("a").build()).getAckCount()).isEqualTo(1);
        assertThat(server.messages().deleteBatch(DeleteBatchRequest.newBuilder().addIds("a").build()).getAckCount())
                .isZero();
        assertThat(get("a", "b")).extracting(Message::getId).containsExactly("b");
    }

    @Test
    void deletingTheLastMessageOfASegmentRemovesItsObject() {
        put(List.of(event("only", "s", "t", T, "x")));
        assertThat(objects()).hasSize(1);

        server.messages().deleteBatch(DeleteBatchRequest.newBuilder().addIds("only").build());

        assertThat(objects()).isEmpty();
        assertThat(server.admin().status(StatusRequest.getDefaultInstance()).getStreamsList()).isEmpty();
    }

    @Test
    void invalidBatchesAreRefusedWholeAndStoreNothing() {
        String longId = "x".repeat(257);
        Map<String, Message> cases = Map.of(
                "id is empty", event("", "s", "t", T, "x"),
                "257 bytes", event(longId, "s", "t", T, "x"),
                "attribute name 'Bad-Name'", event("bad-attr", "s", "t", T, "x").toBuilder()
                        .putAttributes("Bad-Name", AttributeValue.newBuilder().setCeString("v").build()).build(),
                "'time' must be a ce_timestamp", event("bad-time", "s", "t", T, "x").toBuilder()
                        .putAttributes("time", AttributeValue.newBuilder().setCeString("yesterday").build()).build(),
                "has no value", event("no-value", "s", "t", T, "x").toBuilder()
                        .putAttributes("empty", AttributeValue.getDefaultInstance()).build());
        for (Map.Entry<String, Message> c : cases.entrySet()) {
            assertThatThrownBy(() -> put(List.of(event("valid", "s", "t", T, "ok"), c.getValue())))
                    .as(c.getKey())
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                        assertThat(e.getStatus().getDescription()).contains("message #1").contains(c.getKey());
                    });
        }
        assertThat(get("valid")).isEmpty();
        assertThat(objects()).isEmpty();
    }

    @Test
    void messagesOverTheSizeLimitsAreRefused(TestInfo info) {
        try (ArchiveServer small = ArchiveServer.start(testName + "-small", backend(), tempDir,
                Map.of("STOWAGE_MAX_MESSAGE_BYTES", "64KiB", "STOWAGE_MAX_BATCH_BYTES", "100KiB",
                        "STOWAGE_MAX_BATCH_MESSAGES", "3"))) {
            Message big = kafka("big", "t", 0, 0).setBinaryData(ByteString.copyFrom(randomBytes(70_000, 1))).build();
            Message half = kafka("half", "t", 0, 1).setBinaryData(ByteString.copyFrom(randomBytes(60_000, 2))).build();
            Message half2 = half.toBuilder().setId("half2").build();
            Message tiny = event("tiny", "s", "t", T, "x");

            assertThatThrownBy(() -> small.messages().putBatch(PutBatchRequest.newBuilder().addMsgs(big).build()))
                    .hasMessageContaining("INVALID_ARGUMENT").hasMessageContaining("message #0 (id 'big')")
                    .hasMessageContaining("65536");
            assertThatThrownBy(() -> small.messages().putBatch(PutBatchRequest.newBuilder().addMsgs(half).addMsgs(half2)
                    .build())).hasMessageContaining("INVALID_ARGUMENT").hasMessageContaining("over 102400 bytes");
            assertThatThrownBy(() -> small.messages().putBatch(PutBatchRequest.newBuilder()
                    .addAllMsgs(List.of(tiny, tiny, tiny, tiny)).build()))
                    .hasMessageContaining("INVALID_ARGUMENT").hasMessageContaining("at most 3");
            assertThat(small.messages().getBatch(GetBatchRequest.newBuilder().addIds("half").addIds("tiny").build())
                    .getMsgsCount()).isZero();
        }
    }

    @Test
    void onePutBatchWritesOneSegmentPerLayoutPartition() {
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            String type = i % 2 == 0 ? "even" : "odd";
            Instant time = T.plus(i % 4 < 2 ? 0 : 1, ChronoUnit.HOURS);
            batch.add(event("m" + i, "stream-a", type, time, "payload " + i));
        }

        put(batch);

        assertThat(objects()).hasSize(4).allSatisfy(key -> assertThat(key)
                .matches("stream=stream-a/type=(even|odd)/dt=2024-06-01/hr=1[23]/[0-9a-f-]{36}\\.bson"));
        assertThat(status("stream-a").getSegments()).isEqualTo(4);
    }

    @Test
    void streamAndTypeNamesCannotEscapeTheirFolder() {
        // (an empty name is refused: source and type are required)
        List<String> names = List.of("../", "..", "/", "a/../../b", ".", "日本語 ストリーム", ".hidden", "%41");
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            batch.add(event("n" + i, names.get(i), names.get(names.size() - 1 - i), T, "x"));
        }

        assertThat(put(batch).getAckCount()).isEqualTo(names.size());

        for (String key : objects()) {
            String[] parts = key.split("/");
            assertThat(parts).as(key).hasSize(5);
            assertThat(parts[0]).startsWith("stream=");
            assertThat(parts[1]).startsWith("type=");
            for (String part : parts) {
                assertThat(part).isNotIn(".", "..").doesNotStartWith(".");
            }
            String stream = ObjectKeys.decode(parts[0].substring("stream=".length()));
            assertThat(names).contains(stream);
        }
        for (int i = 0; i < names.size(); i++) {
            assertThat(get("n" + i)).singleElement().extracting(Message::getSource).isEqualTo(names.get(i));
        }
    }

    @Test
    void veryLongStreamAndTypeNamesStillMakeValidKeys() {
        String stream = "s".repeat(300);
        String type = "é".repeat(600);

        assertThat(put(List.of(event("long", stream, type, T, "x"))).getAckCount()).isEqualTo(1);

        assertThat(objects()).singleElement().satisfies(key -> {
            for (String part : key.split("/")) {
                assertThat(part.length()).as(part).isLessThanOrEqualTo(220);
            }
        });
        assertThat(get("long")).singleElement().satisfies(m -> {
            assertThat(m.getSource()).isEqualTo(stream);
            assertThat(m.getType()).isEqualTo(type);
        });
    }

    @Test
    void aTimeOutsideYearsOneTo9999IsRefused() {
        Message farFuture = event("future", "s", "t", T, "x").toBuilder()
                .putAttributes("time", AttributeValue.newBuilder().setCeTimestamp(
                        com.google.protobuf.Timestamp.newBuilder().setSeconds(400_000_000_000L)).build()).build();
        assertThatThrownBy(() -> put(List.of(farFuture))).hasMessageContaining("INVALID_ARGUMENT")
                .hasMessageContaining("outside years 1 to 9999");
    }

    @Test
    void scanStreamsInTimeOrderAndResumesFromACursor() {
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            batch.add(event(String.format("e%02d", i), "scan", i % 3 == 0 ? "x" : "y", T.plusSeconds(25 - i), "p" + i));
        }
        put(batch);

        List<ScanResult> first = scan(ScanRequest.newBuilder().setStream("scan").setLimit(10).build());
        List<ScanResult> rest = scan(ScanRequest.newBuilder().setStream("scan")
                .setCursor(first.get(9).getCursor()).build());

        List<String> order = new ArrayList<>();
        first.forEach(r -> order.add(r.getId()));
        rest.forEach(r -> order.add(r.getId()));
        assertThat(first).hasSize(10);
        assertThat(order).hasSize(25).doesNotHaveDuplicates();
        assertThat(order.get(0)).isEqualTo("e24");
        assertThat(order.get(24)).isEqualTo("e00");
        assertThat(first.get(0).getMsg()).isEqualTo(batch.get(24));

        List<ScanResult> idsOnly = scan(ScanRequest.newBuilder().setStream("scan").setType("x").setIdsOnly(true).build());
        assertThat(idsOnly).hasSize(9).allSatisfy(r -> {
            assertThat(r.hasMsg()).isFalse();
            assertThat(r.getType()).isEqualTo("x");
            assertThat(r.getSize()).isPositive();
        });

        List<ScanResult> window = scan(ScanRequest.newBuilder().setStream("scan")
                .setFrom(com.google.protobuf.Timestamp.newBuilder().setSeconds(T.plusSeconds(5).getEpochSecond()))
                .setTo(com.google.protobuf.Timestamp.newBuilder().setSeconds(T.plusSeconds(10).getEpochSecond()))
                .build());
        assertThat(window).extracting(ScanResult::getId).containsExactly("e20", "e19", "e18", "e17", "e16");
    }

    @Test
    void scanWithABadCursorSaysSo() {
        assertThatThrownBy(() -> scan(ScanRequest.newBuilder().setStream("s").setCursor("not-a-cursor").build()))
                .hasMessageContaining("INVALID_ARGUMENT").hasMessageContaining("cursor");
    }

    @Test
    void statusReportsEachStream() {
        put(List.of(event("a", "one", "t", T, "aaaa"), event("b", "one", "t", T.plusSeconds(60), "bb"),
                event("c", "two", "t", T, "c")));

        List<StreamStatus> streams = server.admin().status(StatusRequest.getDefaultInstance()).getStreamsList();

        assertThat(streams).extracting(StreamStatus::getStream).containsExactly("one", "two");
        StreamStatus one = streams.get(0);
        assertThat(one.getMessages()).isEqualTo(2);
        assertThat(one.getSegments()).isEqualTo(1);
        assertThat(one.getBytes()).isPositive().isEqualTo(one.getSegmentBytes());
        assertThat(one.getFirstTime().getSeconds()).isEqualTo(T.getEpochSecond());
        assertThat(one.getLastTime().getSeconds()).isEqualTo(T.plusSeconds(60).getEpochSecond());
    }

    @Test
    void healthAndReflectionAreServed() {
        HealthCheckResponse health = HealthGrpc.newBlockingStub(server.channel())
                .check(HealthCheckRequest.newBuilder().setService("stowage.v1.Messages").build());
        assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    PutBatchResponse put(List<Message> msgs) {
        return server.messages().putBatch(PutBatchRequest.newBuilder().addAllMsgs(msgs).build());
    }

    List<Message> get(String... ids) {
        return server.messages().getBatch(GetBatchRequest.newBuilder().addAllIds(List.of(ids)).build()).getMsgsList();
    }

    List<ScanResult> scan(ScanRequest request) {
        List<ScanResult> results = new ArrayList<>();
        Iterator<ScanResult> it = server.messages().scan(request);
        it.forEachRemaining(results::add);
        return results;
    }

    StreamStatus status(String stream) {
        return server.admin().status(StatusRequest.newBuilder().setStream(stream).build()).getStreams(0);
    }

    List<String> objects() {
        List<String> keys = new ArrayList<>();
        server.blobs().list("", (BlobLister.BlobInfo b) -> keys.add(b.key()));
        return keys;
    }
}
