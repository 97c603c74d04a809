package io.stowage.server.grpc;

import static io.stowage.server.testing.Msgs.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.api.v1.DeleteBatchRequest;
import io.stowage.api.v1.GetBatchRequest;
import io.stowage.api.v1.MessagesGrpc;
import io.stowage.api.v1.PutBatchRequest;
import io.stowage.embedded.LocalS3;
import io.stowage.server.GrpcServer;
import io.stowage.server.Storage;
import io.stowage.server.StowageServer;
import io.stowage.server.storage.blob.S3BlobStore;
import io.stowage.s3.S3Settings;
import io.stowage.server.storage.index.postgres.Database;
import io.stowage.server.storage.index.postgres.PostgresIndex;
import io.stowage.server.testing.LogCapture;
import io.stowage.server.testing.TestBackends;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The S3 server stops under a running api-server: calls answer UNAVAILABLE, the log says so once. */
class StorageOutageTest {
    static final Instant T = Instant.parse("2024-06-01T12:30:00Z");

    @Test
    void anS3OutageIsOneWarningNotOnePerCall(TestInfo info) {
        String name = TestBackends.uniqueName(info.getTestMethod().orElseThrow().getName());
        LocalS3 s3 = LocalS3.startInMemory(); // its own, as this test stops it
        s3.createBucket(name);
        S3BlobStore blobs = new S3BlobStore(new S3Settings(name, "p", LocalS3.REGION, Optional.of(s3.endpoint()), true),
                StaticCredentialsProvider.create(AwsBasicCredentials.create(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY)));
        Database db = TestBackends.database(name);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Storage storage = new Storage(blobs, new PostgresIndex(db),
                        TestBackends.config(Map.of("STOWAGE_CLEAN_INTERVAL", "off")), Clock.systemUTC(), registry);
                GrpcServer server = new GrpcServer(InProcessServerBuilder.forName(name),
                        StowageServer.services(storage), Duration.ofSeconds(5)).start()) {
            ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
            MessagesGrpc.MessagesBlockingStub messages = MessagesGrpc.newBlockingStub(channel);
            messages.putBatch(PutBatchRequest.newBuilder().addMsgs(event("before", "s", "t", T, "x")).build());

            try (LogCapture logs = new LogCapture("io.stowage", Level.INFO)) {
                s3.close();
                for (int i = 0; i < 4; i++) {
                    PutBatchRequest put = PutBatchRequest.newBuilder().addMsgs(event("during-" + i, "s", "t", T, "y"))
                            .build();
                    assertUnavailable(() -> messages.putBatch(put));
                    assertUnavailable(() -> messages.getBatch(GetBatchRequest.newBuilder().addIds("before").build()));
                }

                // the delete happens in the index; removing the emptied segment object fails
                assertThat(messages.deleteBatch(DeleteBatchRequest.newBuilder().addIds("before").build())
                        .getAckCount()).isEqualTo(1);

                assertThat(logs.at(Level.ERROR)).isEmpty();
                assertThat(logs.at(Level.WARN)).singleElement().satisfies(e -> {
                    assertThat(e.getFormattedMessage()).contains("blob store is failing").contains("S3");
                    assertThat(e.getThrowableProxy()).isNull();
                });
                assertThat(registry.get("stowage.dependency.errors").tag("dependency", "blob store").counter().count())
                        .isEqualTo(9);
            } finally {
                channel.shutdownNow();
            }
        }
    }

    private static void assertUnavailable(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(e.getStatus().getDescription()).contains("S3").contains("retry later");
        });
    }
}
