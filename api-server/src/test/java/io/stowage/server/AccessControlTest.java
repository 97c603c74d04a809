package io.stowage.server;

import static io.stowage.server.testing.Msgs.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import io.stowage.api.v1.AdminGrpc;
import io.stowage.api.v1.CleanRequest;
import io.stowage.api.v1.CleanerGrpc;
import io.stowage.api.v1.ClusterStateGrpc;
import io.stowage.api.v1.GetCaptureRequest;
import io.stowage.api.v1.PutCaptureRequest;
import io.stowage.api.v1.TopicCapture;
import io.stowage.common.message.Timestamps;
import io.stowage.api.v1.DeleteBatchRequest;
import io.stowage.api.v1.GetBatchRequest;
import io.stowage.api.v1.MessagesGrpc;
import io.stowage.api.v1.PutBatchRequest;
import io.stowage.api.v1.ScanRequest;
import io.stowage.api.v1.StatusRequest;
import io.stowage.api.v1.VerifyRequest;
import io.stowage.server.auth.Role;
import io.stowage.server.auth.TokenFile;
import io.stowage.server.auth.Tokens;
import io.stowage.server.testing.SecureChannels;
import io.stowage.server.testing.TestPki;
import io.stowage.server.testing.TestPki.Issued;
import io.stowage.server.testing.TestPki.KeyKind;
import io.stowage.testing.Http;
import io.stowage.testing.PrometheusText;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bearer tokens and roles on a real server over TLS and real storage. */
class AccessControlTest {
    static final Instant T = Instant.parse("2024-06-01T12:30:00Z");
    static final String WRITER = "writer-token", READER = "reader-token", DELETER = "deleter-token",
            ADMIN = "admin-token";

    @TempDir
    static Path dir;
    static StowageServer server;
    static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        TestPki.Authority ca = TestPki.authority("access control ca");
        Issued cert = ca.server("stowage", KeyKind.EC);
        Path tokens = Files.write(dir.resolve("tokens"), List.of(
                "# who may do what",
                TokenFile.line(Tokens.sha256Hex(WRITER), Set.of(Role.WRITE), "ingest-worker"),
                TokenFile.line(Tokens.sha256Hex(READER), Set.of(Role.READ), "analyst"),
                TokenFile.line(Tokens.sha256Hex(DELETER), Set.of(Role.DELETE), "janitor"),
                TokenFile.line(Tokens.sha256Hex(ADMIN), Set.of(Role.ADMIN), "operator")));
        server = SecureChannels.startServer("access control", dir.resolve("data"), Map.of(
                "STOWAGE_TLS_CERT", cert.writeCertificate(dir.resolve("server.pem")).toString(),
                "STOWAGE_TLS_KEY", cert.writeKey(dir.resolve("server-key.pem")).toString(),
                "STOWAGE_TOKENS_FILE", tokens.toString()));
        channel = SecureChannels.tls(server.port(), ca.writeCertificate(dir.resolve("ca.pem")), null, null);
    }

    @AfterAll
    static void stop() {
        if (channel != null) {
            SecureChannels.close(channel);
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void theWriteRoleMayPutOnly() {
        assertThat(messages(WRITER).putBatch(put("w-1")).getAckCount()).isEqualTo(1);
        assertDenied(() -> messages(WRITER).getBatch(get("w-1")), "stowage.v1.Messages/GetBatch", "read",
                "ingest-worker", "write");
        assertDenied(() -> messages(WRITER).deleteBatch(delete("w-1")), "stowage.v1.Messages/DeleteBatch", "delete",
                "ingest-worker", "write");
        assertDenied(() -> cleaner(WRITER).clean(CleanRequest.getDefaultInstance()), "stowage.v1.Cleaner/Clean",
                "admin", "ingest-worker", "write");
    }

    @Test
    void theReadRoleMayGetScanAndAskForStatus() {
        messages(WRITER).putBatch(put("r-1"));

        assertThat(messages(READER).getBatch(get("r-1")).getMsgsCount()).isEqualTo(1);
        assertThat(messages(READER).scan(ScanRequest.newBuilder().setStream("src").setIdsOnly(true).build()))
                .toIterable().isNotEmpty();
        assertThat(admin(READER).status(StatusRequest.getDefaultInstance()).getStreamsCount()).isPositive();
        assertDenied(() -> messages(READER).putBatch(put("r-2")), "stowage.v1.Messages/PutBatch", "write", "analyst",
                "read");
        assertDenied(() -> messages(READER).deleteBatch(delete("r-1")), "stowage.v1.Messages/DeleteBatch", "delete",
                "analyst", "read");
        assertDenied(() -> admin(READER).verify(VerifyRequest.getDefaultInstance()).hasNext(),
                "stowage.v1.Admin/Verify", "admin", "analyst", "read");
    }

    @Test
    void theWorkersWriteRolePutsCapturesAndTheReadRoleReadsThem() {
        PutCaptureRequest capture = PutCaptureRequest.newBuilder().setClusterId("c").setSeenAt(
                Timestamps.fromInstant(T)).addTopics(TopicCapture.newBuilder().setTopic("src").setPartitions(1)
                .setReplicationFactor(1)).build();

        assertThat(clusterState(WRITER).putCapture(capture).getTopics()).isEqualTo(1);
        assertThat(clusterState(READER).getCapture(GetCaptureRequest.getDefaultInstance()).getTopicsCount()).isEqualTo(1);
        assertDenied(() -> clusterState(WRITER).getCapture(GetCaptureRequest.getDefaultInstance()),
                "stowage.v1.ClusterState/GetCapture", "read", "ingest-worker", "write");
        assertDenied(() -> clusterState(READER).putCapture(capture), "stowage.v1.ClusterState/PutCapture", "write",
                "analyst", "read");
    }

    @Test
    void theDeleteRoleMayDeleteOnly() {
        messages(WRITER).putBatch(put("d-1"));

        assertThat(messages(DELETER).deleteBatch(delete("d-1")).getAckCount()).isEqualTo(1);
        assertDenied(() -> messages(DELETER).getBatch(get("d-1")), "stowage.v1.Messages/GetBatch", "read", "janitor",
                "delete");
    }

    @Test
    void theAdminRoleMayCleanButNotRead() {
        assertThat(cleaner(ADMIN).clean(CleanRequest.getDefaultInstance())).isNotNull();
        assertDenied(() -> messages(ADMIN).getBatch(get("w-1")), "stowage.v1.Messages/GetBatch", "read", "operator",
                "admin");
    }

    @Test
    void aCallWithoutAKnownTokenIsUnauthenticated() {
        assertUnauthenticated(() -> MessagesGrpc.newBlockingStub(channel).getBatch(get("x")),
                "this server requires a bearer token: send the header 'authorization: Bearer <token>'");
        assertUnauthenticated(() -> messages("not-a-token").getBatch(get("x")),
                "the bearer token is not known to this server");
        assertUnauthenticated(() -> MessagesGrpc.newBlockingStub(channel)
                .withInterceptors(SecureChannels.authorization("Basic " + ADMIN)).getBatch(get("x")),
                "the authorization header is not a bearer token");
        // the hash of a token is not a token
        assertUnauthenticated(() -> messages(Tokens.sha256Hex(ADMIN)).getBatch(get("x")), "not known");

        PrometheusText metrics = PrometheusText.parse(Http.get(server.httpPort(), "/metrics").body());
        assertThat(metrics.value("stowage_grpc_server_errors_total", "method", "GetBatch", "code", "UNAUTHENTICATED"))
                .isGreaterThanOrEqualTo(4);
    }

    @Test
    void healthAndReflectionNeedNoToken() throws Exception {
        assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()).getStatus())
                .isEqualTo(ServingStatus.SERVING);
        assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.newBuilder()
                .setService("stowage.v1.Messages").build()).getStatus()).isEqualTo(ServingStatus.SERVING);

        CompletableFuture<ServerReflectionResponse> listed = new CompletableFuture<>();
        StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel).serverReflectionInfo(
                new StreamObserver<>() {
                    @Override
                    public void onNext(ServerReflectionResponse value) {
                        listed.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        listed.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {}
                });
        requests.onNext(ServerReflectionRequest.newBuilder().setListServices("").build());
        requests.onCompleted();

        assertThat(listed.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList())
                .extracting(ServiceResponse::getName)
                .contains("stowage.v1.Messages", "stowage.v1.Cleaner", "stowage.v1.Admin");
    }

    private static MessagesGrpc.MessagesBlockingStub messages(String token) {
        return MessagesGrpc.newBlockingStub(channel).withInterceptors(bearer(token));
    }

    private static CleanerGrpc.CleanerBlockingStub cleaner(String token) {
        return CleanerGrpc.newBlockingStub(channel).withInterceptors(bearer(token));
    }

    private static ClusterStateGrpc.ClusterStateBlockingStub clusterState(String token) {
        return ClusterStateGrpc.newBlockingStub(channel).withInterceptors(bearer(token));
    }

    private static AdminGrpc.AdminBlockingStub admin(String token) {
        return AdminGrpc.newBlockingStub(channel).withInterceptors(bearer(token));
    }

    private static ClientInterceptor bearer(String token) {
        return SecureChannels.bearer(token);
    }

    private static PutBatchRequest put(String id) {
        return PutBatchRequest.newBuilder().addMsgs(event(id, "src", "t", T, "text of " + id)).build();
    }

    private static GetBatchRequest get(String id) {
        return GetBatchRequest.newBuilder().addIds(id).build();
    }

    private static DeleteBatchRequest delete(String id) {
        return DeleteBatchRequest.newBuilder().addIds(id).build();
    }

    private static void assertDenied(ThrowingCallable call, String method, String role, String name, String has) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(e.getStatus().getDescription()).isEqualTo(method + " needs the role '" + role
                    + "'; the token of '" + name + "' has " + has);
        });
    }

    private static void assertUnauthenticated(ThrowingCallable call, String description) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
            assertThat(e.getStatus().getDescription()).contains(description);
        });
    }
}
