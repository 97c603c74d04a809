package io.stowage.server.clean;

import static io.stowage.server.testing.Msgs.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.api.v1.CleanRequest;
import io.stowage.api.v1.CleanResponse;
import io.stowage.api.v1.DeleteBatchRequest;
import io.stowage.api.v1.PutBatchRequest;
import io.stowage.server.storage.index.postgres.PostgresIndex;
import io.stowage.server.testing.ArchiveServer;
import io.stowage.server.testing.ArchiveServer.Backend;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** Two cleaners over one index: the one that finds the other cleaning says it skipped. */
class ConcurrentCleanTest {
    @TempDir
    Path tempDir;

    @Test
    void cleanWhileAnotherServerCleansSaysItSkipped(TestInfo info) {
        try (ArchiveServer server = ArchiveServer.start(info.getTestMethod().orElseThrow().getName(), Backend.FILES,
                tempDir, Map.of())) {
            server.messages().putBatch(PutBatchRequest.newBuilder()
                    .addMsgs(event("a", "s", "t", Instant.now(), "x")).build());
            server.messages().deleteBatch(DeleteBatchRequest.newBuilder().addIds("a").build());
            // the other server: its own cleaner, on its own connection, holding the cluster's clean lock
            PostgresIndex otherServer = new PostgresIndex(server.database());
            AtomicReference<CleanResponse> whileHeld = new AtomicReference<>();

            boolean otherRan = otherServer.withCleanLock(
                    () -> whileHeld.set(server.cleaner().clean(CleanRequest.getDefaultInstance())));
            CleanResponse after = server.cleaner().clean(CleanRequest.getDefaultInstance());

            assertThat(otherRan).isTrue();
            assertThat(whileHeld.get().getSkipped()).isTrue();
            assertThat(whileHeld.get().getSkipReason()).contains("another server").contains("cleaning");
            assertThat(whileHeld.get().getBytesFreed()).isZero();
            assertThat(after.getSkipped()).isFalse();
            assertThat(after.getSkipReason()).isEmpty();
        }
    }
}
