package io.stowage.server.grpc.awakari;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import com.google.protobuf.UnknownFieldSet;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.stowage.api.awakari.messages.DeleteBatchRequest;
import io.stowage.api.awakari.messages.GetBatchRequest;
import io.stowage.api.awakari.messages.PutBatchRequest;
import io.stowage.api.awakari.messages.ServiceGrpc;
import io.stowage.api.awakari.messages.cleaner.CleanRequest;
import io.stowage.api.awakari.messages.cleaner.CleanResponse;
import io.stowage.api.cloudevents.CloudEvent;
import io.stowage.api.cloudevents.CloudEventAttributeValue;
import io.stowage.api.v1.KafkaRecord;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.StatusRequest;
import io.stowage.api.v1.StreamStatus;
import io.stowage.server.testing.ArchiveServer;
import io.stowage.server.testing.ArchiveServer.Backend;
import io.stowage.server.testing.Msgs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The awakari messages and cleaner APIs through their real generated stubs, over the same real
 * storage as the stowage.v1 services (the conversion does not depend on the blob store, so files).
 */
class AwakariServicesTest {
    static final Timestamp T = Timestamp.newBuilder().setSeconds(1_717_245_000L).setNanos(250_000_000).build();

    @TempDir
    Path tempDir;
    ArchiveServer server;

    @BeforeEach
    void start(TestInfo info) {
        server = ArchiveServer.start(info.getTestMethod().orElseThrow().getName(), Backend.FILES, tempDir, Map.of());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void everyAttributeKindAndEveryDataKindRoundTrips() throws Exception {
        CloudEvent.Builder base = event("base", "all-kinds", "binary is set below")
                .putAttributes("flag", CloudEventAttributeValue.newBuilder().setCeBoolean(true).build())
                .putAttributes("count", CloudEventAttributeValue.newBuilder().setCeInteger(-42).build())
                .putAttributes("subject", CloudEventAttributeValue.newBuilder().setCeString("Yoda").build())
                .putAttributes("raw", CloudEventAttributeValue.newBuilder()
                        .setCeBytes(ByteString.copyFrom(Msgs.randomBytes(32, 7))).build())
                .putAttributes("dataschema", CloudEventAttributeValue.newBuilder()
                        .setCeUri("https://example.org/schema").build())
                .putAttributes("ref", CloudEventAttributeValue.newBuilder().setCeUriRef("../relative#x").build());
        List<CloudEvent> events = List.of(
                base.clone().setId("binary").setBinaryData(ByteString.copyFrom(Msgs.randomBytes(1000, 1))).build(),
                base.clone().setId("text").setTextData("Try not. Do or do not. ✓").build(),
                base.clone().setId("proto").setProtoData(Any.pack(T)).build(),
                base.clone().setId("none").clearData().build());

        assertThat(put(events)).isEqualTo(4);
        List<CloudEvent> got = get("binary", "text", "proto", "none");

        assertThat(got).containsExactlyElementsOf(events);
        assertThat(got.get(0).getAttributesMap()).hasSize(7);
        assertThat(got.get(2).getProtoData().unpack(Timestamp.class)).isEqualTo(T);
        assertThat(got.get(3).getDataCase()).isEqualTo(CloudEvent.DataCase.DATA_NOT_SET);
    }

    @Test
    void theSameMessageIsSeenThroughBothApis() {
        CloudEvent event = event("shared", "src", "hello").build();
        put(List.of(event));

        List<Message> viaStowage = server.messages().getBatch(io.stowage.api.v1.GetBatchRequest.newBuilder()
                .addIds("shared").build()).getMsgsList();

        assertThat(viaStowage).singleElement().satisfies(m -> {
            assertThat(m.getTextData()).isEqualTo("hello");
            assertThat(m.getAttributesOrThrow("time").getCeTimestamp()).isEqualTo(T);
            assertThat(m.hasKafka()).isFalse();
        });
    }

    @Test
    void kafkaRecordIsLeftOutForAwakariClients() {
        Message record = Msgs.kafka("from-kafka", "orders", 0, 7).setBinaryData(ByteString.copyFromUtf8("v")).build();
        server.messages().putBatch(io.stowage.api.v1.PutBatchRequest.newBuilder().addMsgs(record).build());

        CloudEvent got = get("from-kafka").get(0);

        assertThat(got.getUnknownFields().asMap()).isEmpty();
        assertThat(got.getSource()).isEqualTo("kafka://cluster/orders");
        assertThat(got.getBinaryData().toStringUtf8()).isEqualTo("v");
    }

    @Test
    void aKafkaRecordCannotBeSmuggledInAsAnUnknownField() {
        KafkaRecord forged = KafkaRecord.newBuilder().setTopic("forged").setOffset(1).build();
        CloudEvent event = event("smuggler", "src", "x").setUnknownFields(UnknownFieldSet.newBuilder()
                .addField(100, UnknownFieldSet.Field.newBuilder().addLengthDelimited(forged.toByteString()).build())
                .build()).build();

        put(List.of(event));

        Message stored = server.messages().getBatch(io.stowage.api.v1.GetBatchRequest.newBuilder()
                .addIds("smuggler").build()).getMsgs(0);
        assertThat(stored.hasKafka()).isFalse();
        assertThat(stored.getSource()).isEqualTo("src");
    }

    @Test
    void rePutIsAcknowledgedWithTheSameOrOtherContentAndTheFirstStays() {
        CloudEvent original = event("again", "src", "first").build();
        assertThat(put(List.of(original))).isEqualTo(1);

        int acked = put(List.of(original, event("again", "src", "second").build(), event("fresh", "src", "new").build()));

        assertThat(acked).isEqualTo(3);
        assertThat(get("again")).containsExactly(original);
        assertThat(get("fresh")).hasSize(1);
        StreamStatus status = server.admin().status(StatusRequest.newBuilder().setStream("src").build()).getStreams(0);
        assertThat(status.getMessages()).isEqualTo(2);
    }

    @Test
    void sameIdTwiceInOneBatchIsAcknowledgedTwiceAndKeepsTheFirst() {
        assertThat(put(List.of(event("d", "s", "one").build(), event("d", "s", "two").build()))).isEqualTo(2);

        assertThat(get("d")).singleElement().extracting(CloudEvent::getTextData).isEqualTo("one");
    }

    @Test
    void getBatchLeavesOutUnknownIdsAndKeepsRequestOrder() {
        put(List.of(event("a", "s", "a").build(), event("b", "s", "b").build(), event("c", "s", "c").build()));

        assertThat(get("c", "unknown", "a", "b")).extracting(CloudEvent::getId).containsExactly("c", "a", "b");
        assertThat(get("nothing")).isEmpty();
    }

    @Test
    void deleteBatchCountsOnlyWhatItDeleted() {
        put(List.of(event("a", "s", "a").build(), event("b", "s", "b").build()));

        assertThat(delete("a", "unknown", "a")).isEqualTo(1);
        assertThat(delete("a")).isZero();
        assertThat(get("a", "b")).extracting(CloudEvent::getId).containsExactly("b");
    }

    @Test
    void invalidBatchIsRefusedWholeWithInvalidArgument() {
        List<CloudEvent> batch = List.of(event("valid", "s", "ok").build(), event("", "s", "no id").build());

        assertThatThrownBy(() -> put(batch)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).contains("message #1").contains("id is empty");
        });
        assertThat(get("valid")).isEmpty();
    }

    @Test
    void cleanAnswersAfterRunningTheRealCleaner() {
        put(List.of(event("keep", "s", "k".repeat(1000)).build(), event("drop", "s", "d".repeat(1000)).build()));
        delete("drop");
        StreamStatus before = server.admin().status(StatusRequest.getDefaultInstance()).getStreams(0);
        assertThat(before.getSegmentBytes()).isGreaterThan(before.getBytes());

        CleanResponse rsp = io.stowage.api.awakari.messages.cleaner.ServiceGrpc.newBlockingStub(server.channel())
                .clean(CleanRequest.getDefaultInstance());

        assertThat(rsp).isEqualTo(CleanResponse.getDefaultInstance());
        StreamStatus after = server.admin().status(StatusRequest.getDefaultInstance()).getStreams(0);
        assertThat(after.getSegmentBytes()).as("deleted bytes are gone").isEqualTo(after.getBytes());
        assertThat(get("keep")).hasSize(1);
    }

    @Test
    void bothServicesReportHealth() {
        for (String service : List.of("awakari.messages.Service", "awakari.messages.cleaner.Service")) {
            assertThat(HealthGrpc.newBlockingStub(server.channel())
                    .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus())
                    .as(service).isEqualTo(ServingStatus.SERVING);
        }
    }

    static CloudEvent.Builder event(String id, String source, String text) {
        return CloudEvent.newBuilder().setId(id).setSource(source).setSpecVersion("1.0").setType("example.type")
                .putAttributes("time", CloudEventAttributeValue.newBuilder().setCeTimestamp(T).build())
                .setTextData(text);
    }

    ServiceGrpc.ServiceBlockingStub messages() {
        return ServiceGrpc.newBlockingStub(server.channel());
    }

    int put(List<CloudEvent> events) {
        return messages().putBatch(PutBatchRequest.newBuilder().addAllMsgs(events).build()).getAckCount();
    }

    List<CloudEvent> get(String... ids) {
        return messages().getBatch(GetBatchRequest.newBuilder().addAllIds(List.of(ids)).build()).getMsgsList();
    }

    int delete(String... ids) {
        return messages().deleteBatch(DeleteBatchRequest.newBuilder().addAllIds(List.of(ids)).build()).getAckCount();
    }
}
