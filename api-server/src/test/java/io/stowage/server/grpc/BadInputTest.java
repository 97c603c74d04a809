package io.stowage.server.grpc;

import static io.stowage.server.testing.Msgs.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Timestamp;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.stowage.api.awakari.messages.ServiceGrpc;
import io.stowage.api.cloudevents.CloudEvent;
import io.stowage.api.v1.AttributeValue;
import io.stowage.api.v1.GetBatchRequest;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.PutBatchRequest;
import io.stowage.api.v1.ScanRequest;
import io.stowage.api.v1.ScanResult;
import io.stowage.api.v1.StatusRequest;
import io.stowage.server.testing.ArchiveServer;
import io.stowage.server.testing.ArchiveServer.Backend;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input that used to slip through or fail obscurely, sent through real stubs (and raw bytes)
 * to the real services over real storage: each gets INVALID_ARGUMENT naming the problem, nothing
 * of it is stored, and the server goes on serving.
 */
class BadInputTest {
    static final Instant T = Instant.parse("2024-06-01T12:30:00Z");

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
    void timestampAttributeWithNanosOrSecondsOutOfRangeIsRefused() {
        for (Timestamp bad : List.of(Timestamp.newBuilder().setSeconds(1_700_000_000L).setNanos(1_000_000_000).build(),
                Timestamp.newBuilder().setSeconds(1_700_000_000L).setNanos(-1).build(),
                Timestamp.newBuilder().setSeconds(253_402_300_800L).build(),
                Timestamp.newBuilder().setSeconds(-62_135_596_801L).build())) {
            Message msg = event("ts-1", "s", "t", T, "x").toBuilder()
                    .putAttributes("seen", AttributeValue.newBuilder().setCeTimestamp(bad).build()).build();
            assertInvalid(() -> put(event("ok-first", "s", "t", T, "x"), msg),
                    "message #1 (id 'ts-1')", "attribute 'seen'");
        }
        assertNothingStored("ok-first", "ts-1");
        assertStillServing();
    }

    @Test
    void requiredCloudEventsAttributesMustBeSet() {
        Message good = event("req-1", "s", "t", T, "x");
        assertInvalid(() -> put(good.toBuilder().setSource("").build()), "id 'req-1'", "source is empty");
        assertInvalid(() -> put(good.toBuilder().setSpecVersion("").build()), "spec_version is empty");
        assertInvalid(() -> put(good.toBuilder().setType("").build()), "type is empty");
        // what the issue saw: {"specversion":"1.0","id":"x5"} was stored under a stream named ""
        assertInvalid(() -> put(Message.newBuilder().setId("x5").setSpecVersion("1.0").build()), "id 'x5'",
                "source is empty");
        assertNothingStored("req-1", "x5");
        assertStillServing();
    }

    @Test
    void awakariPutBatchIsValidatedTheSameWay() {
        var awakari = ServiceGrpc.newBlockingStub(server.channel());
        CloudEvent noSource = CloudEvent.newBuilder().setId("aw-1").setSpecVersion("1.0").setType("t").build();
        assertInvalid(() -> awakari.putBatch(io.stowage.api.awakari.messages.PutBatchRequest.newBuilder()
                .addMsgs(noSource).build()), "id 'aw-1'", "source is empty");
        assertNothingStored("aw-1");
        assertStillServing();
    }

    @Test
    void scanLimitAtOrOver2To31MeansAllResults() {
        put(event("l-1", "s", "t", T, "a"), event("l-2", "s", "t", T.plusSeconds(1), "b"),
                event("l-3", "s", "t", T.plusSeconds(2), "c"));
        for (long limit : List.of(1L << 31, 0xFFFF_FFFFL)) {
            assertThat(scan(ScanRequest.newBuilder().setStream("s").setLimit((int) limit)))
                    .extracting(ScanResult::getId).containsExactly("l-1", "l-2", "l-3");
        }
        assertThat(scan(ScanRequest.newBuilder().setStream("s").setLimit(2))).hasSize(2);
    }

    @Test
    void scanTimesOutsideYears1To9999AreRefused() {
        put(event("r-1", "s", "t", T, "a"));
        Timestamp year10000 = Timestamp.newBuilder().setSeconds(253_402_300_800L).build();
        Timestamp year0 = Timestamp.newBuilder().setSeconds(-62_135_596_801L).build();
        Timestamp badNanos = Timestamp.newBuilder().setSeconds(1).setNanos(-5).build();
        assertInvalid(() -> scan(ScanRequest.newBuilder().setStream("s").setTo(year10000)), "Scan to", "years 1 to 9999");
        assertInvalid(() -> scan(ScanRequest.newBuilder().setStream("s").setFrom(year0)), "Scan from");
        assertInvalid(() -> scan(ScanRequest.newBuilder().setStream("s").setFrom(badNanos)), "Scan from", "nanos");
        assertThat(scan(ScanRequest.newBuilder().setStream("s"))).extracting(ScanResult::getId).containsExactly("r-1");
    }

    @Test
    void bytesThatAreNotTheRequestMessageAreRefused() {
        // field 1 of the request, wire type 7: no such wire type
        assertInvalid(() -> raw("stowage.v1.Messages/PutBatch", new byte[] {0x0F, 0x01}),
                "stowage.v1.PutBatchRequest");
        // a message (field 1) whose id (field 1) holds 0xC3 0x28: not UTF-8
        byte[] badUtf8 = {0x0A, 0x04, 0x0A, 0x02, (byte) 0xC3, 0x28};
        assertInvalid(() -> raw("stowage.v1.Messages/PutBatch", badUtf8), "stowage.v1.PutBatchRequest", "UTF-8");
        assertInvalid(() -> raw("stowage.v1.Messages/GetBatch", new byte[] {0x0A, 0x02, (byte) 0xC3, 0x28}),
                "stowage.v1.GetBatchRequest", "UTF-8");
        assertInvalid(() -> raw("stowage.v1.Messages/Scan", new byte[] {0x0A, 0x05, 0x61}),
                "stowage.v1.ScanRequest");
        assertInvalid(() -> raw("awakari.messages.Service/PutBatch", badUtf8), "awakari.messages.PutBatchRequest");
        assertThat(server.admin().status(StatusRequest.getDefaultInstance()).getStreamsList()).isEmpty();
        assertStillServing();
    }

    private void put(Message... msgs) {
        server.messages().putBatch(PutBatchRequest.newBuilder().addAllMsgs(List.of(msgs)).build());
    }

    private List<ScanResult> scan(ScanRequest.Builder request) {
        List<ScanResult> results = new ArrayList<>();
        server.messages().scan(request.build()).forEachRemaining(results::add);
        return results;
    }

    /** One call of {@code method} with {@code body} as the request bytes, whatever they are. */
    private byte[] raw(String method, byte[] body) {
        MethodDescriptor<byte[], byte[]> md = MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(method.endsWith("/Scan") ? MethodDescriptor.MethodType.SERVER_STREAMING
                        : MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(method)
                .setRequestMarshaller(BYTES).setResponseMarshaller(BYTES).build();
        if (md.getType() == MethodDescriptor.MethodType.SERVER_STREAMING) {
            ClientCalls.blockingServerStreamingCall(server.channel(), md, io.grpc.CallOptions.DEFAULT, body)
                    .forEachRemaining(r -> { });
            return new byte[0];
        }
        return ClientCalls.blockingUnaryCall(server.channel(), md, io.grpc.CallOptions.DEFAULT, body);
    }

    private static void assertInvalid(ThrowingCallable call, String... inMessage) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).contains(inMessage);
        });
    }

    private void assertNothingStored(String... ids) {
        assertThat(server.messages().getBatch(GetBatchRequest.newBuilder().addAllIds(List.of(ids)).build())
                .getMsgsList()).isEmpty();
        assertThat(server.admin().status(StatusRequest.getDefaultInstance()).getStreamsList()).isEmpty();
    }

    private void assertStillServing() {
        put(event("after", "s", "t", T, "still here"));
        assertThat(server.messages().getBatch(GetBatchRequest.newBuilder().addIds("after").build()).getMsgsList())
                .extracting(Message::getTextData).containsExactly("still here");
    }

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
}
