package io.stowage.server.grpc;

import static io.stowage.server.testing.Msgs.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.stowage.api.v1.CleanRequest;
import io.stowage.api.v1.CleanResponse;
import io.stowage.api.v1.DeleteBatchRequest;
import io.stowage.api.v1.GetBatchRequest;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.PutBatchRequest;
import io.stowage.api.v1.PutBatchResponse;
import io.stowage.server.testing.ArchiveServer;
import io.stowage.server.testing.TestBackends;
import io.stowage.server.testing.s3.FaultProxy;
import io.stowage.server.testing.s3.FaultProxy.Fault;
import io.stowage.server.testing.s3.S3Endpoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PutBatch and GetBatch through a real stub, with a hostile network between the server and its
 * S3 store (a {@link FaultProxy} in front of it); one subclass per S3 server. Whatever the fault,
 * nothing is acknowledged that cannot be read back exactly, the server keeps serving, and a
 * failure says what happened.
 */
abstract class S3FaultsTest {
    private static final Instant T = Instant.parse("2024-06-01T12:30:00Z");

    private FaultProxy proxy;
    private ArchiveServer server;
    private String bucket;
    private int batches;

    /** The S3 server behind the proxy. */
    abstract S3Endpoint upstream();

    /**
     * How a PutBatch fails when every body reaches the store damaged: the store refuses it (it
     * checks Content-MD5 or the signed payload hash), or it keeps it and answers another ETag.
     */
    abstract Status.Code damagedBodyStatus();

    /** Words of that failure's message. */
    abstract String damagedBodyWords();

    @BeforeEach
    void start(TestInfo info) {
        String name = TestBackends.uniqueName(info.getDisplayName());
        bucket = name;
        proxy = FaultProxy.start(upstream().uri());
        S3Endpoint s3 = upstream().via(upstream().name() + " behind a fault proxy", proxy.uri());
        server = ArchiveServer.start(name, s3.store(bucket, "stowage"), Map.of());
    }

    @AfterEach
    void stop() {
        server.close();
        proxy.close();
    }

    /** A fault that happens once is retried; the batch is stored and reads back byte for byte. */
    @ParameterizedTest
    @EnumSource(value = Fault.class, names = {"FLIP_PUT_BODY", "TRUNCATE_PUT_BODY", "ANSWER_500", "ANSWER_503",
            "DROP_MID_BODY", "DELAY"})
    void aPassingFaultIsRetriedAndTheBatchReadsBackExactly(Fault fault) {
        proxy.inject(fault, 1);
        List<Message> batch = batch();

        PutBatchResponse rsp = put(batch);

        assertThat(proxy.injected()).isEqualTo(1);
        assertThat(rsp.getAckCount()).isEqualTo(batch.size());
        assertThat(get(batch)).containsExactlyElementsOf(batch);
        aCleanBatchWorks();
    }

    static Stream<Arguments> lastingFaults() {
        return Stream.of(
                Arguments.of(Fault.FLIP_PUT_BODY, null, null),
                Arguments.of(Fault.TRUNCATE_PUT_BODY, null, null),
                Arguments.of(Fault.ANSWER_500, Status.Code.UNAVAILABLE, "HTTP 500"),
                Arguments.of(Fault.ANSWER_503, Status.Code.UNAVAILABLE, "HTTP 503"),
                Arguments.of(Fault.DROP_MID_BODY, Status.Code.UNAVAILABLE, "cannot reach S3"),
                Arguments.of(Fault.OTHER_PROOF, Status.Code.FAILED_PRECONDITION, "STOWAGE_S3_CHECKSUM"));
    }

    /**
     * A fault that lasts fails the batch with a message that says what happened; nothing of it is
     * stored. (null: as the store answers a damaged body.)
     */
    @ParameterizedTest
    @MethodSource("lastingFaults")
    void aLastingFaultFailsTheBatchAndSaysWhatHappened(Fault fault, Status.Code status, String words) {
        Status.Code code = status == null ? damagedBodyStatus() : status;
        String what = words == null ? damagedBodyWords() : words;
        proxy.injectAlways(fault);
        List<Message> batch = batch();

        assertThatThrownBy(() -> put(batch)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            assertThat(e.getStatus().getDescription()).contains(what).contains(bucket);
        });
        proxy.heal();

        assertThat(proxy.injected()).isPositive();
        assertThat(get(batch)).isEmpty();
        aCleanBatchWorks();
    }

    /** The cleaner's rewrites go through the same proved writes: an unproved one leaves the old segment in use. */
    @Test
    void aRewriteTheStoreDoesNotProveIsNotUsed() {
        List<Message> batch = batch();
        put(batch);
        List<Message> live = batch.subList(10, batch.size());
        server.messages().deleteBatch(DeleteBatchRequest.newBuilder()
                .addAllIds(batch.subList(0, 10).stream().map(Message::getId).toList()).build());
        proxy.injectAlways(Fault.FLIP_PUT_BODY);

        CleanResponse failed = server.cleaner().clean(CleanRequest.getDefaultInstance());

        assertThat(proxy.injected()).isPositive();
        assertThat(failed.getRewrittenSegments()).isZero();
        assertThat(get(live)).containsExactlyElementsOf(live);
        proxy.heal();
        assertThat(server.cleaner().clean(CleanRequest.getDefaultInstance()).getRewrittenSegments()).isEqualTo(2);
        assertThat(get(live)).containsExactlyElementsOf(live);
        assertThat(get(batch.subList(0, 10))).isEmpty();
    }

    private void aCleanBatchWorks() {
        List<Message> clean = batch();
        assertThat(put(clean).getAckCount()).isEqualTo(clean.size());
        assertThat(get(clean)).containsExactlyElementsOf(clean);
    }

    /** Messages of two streams (so two segments), with some bulk. */
    private List<Message> batch() {
        int b = ++batches;
        List<Message> msgs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            msgs.add(event("b" + b + "-m" + i, "src/" + (i % 2), "t", T.plusSeconds(i),
                    "message " + i + " " + "x".repeat(2000 + i)));
        }
        return msgs;
    }

    private PutBatchResponse put(List<Message> msgs) {
        return server.messages().putBatch(PutBatchRequest.newBuilder().addAllMsgs(msgs).build());
    }

    private List<Message> get(List<Message> msgs) {
        return server.messages().getBatch(GetBatchRequest.newBuilder()
                .addAllIds(msgs.stream().map(Message::getId).toList()).build()).getMsgsList();
    }
}
