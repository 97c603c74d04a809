package io.stowage.server.verify;

import static io.stowage.server.testing.Msgs.event;
import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.api.v1.GetBatchRequest;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.PutBatchRequest;
import io.stowage.api.v1.VerifyEvent;
import io.stowage.api.v1.VerifyProblem;
import io.stowage.api.v1.VerifyRequest;
import io.stowage.api.v1.VerifySummary;
import io.stowage.server.storage.blob.BlobLister;
import io.stowage.server.testing.ArchiveServer;
import io.stowage.server.testing.ArchiveServer.Backend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** Admin/Verify over real storage, after damage done on purpose. */
class VerifyServiceTest {
    static final Instant T = Instant.parse("2024-02-03T04:05:06Z");

    @TempDir
    Path tempDir;
    ArchiveServer server;

    @BeforeEach
    void start(TestInfo info) {
        server = ArchiveServer.start(info.getTestMethod().orElseThrow().getName(), Backend.FILES, tempDir, Map.of());
        List<Message> batch = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            batch.add(event("m" + i, i < 10 ? "a" : "b", "t", T.plusSeconds(i), "payload number " + i));
        }
        server.messages().putBatch(PutBatchRequest.newBuilder().addAllMsgs(batch).build());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aWholeArchiveHasNoProblems() {
        Result r = verify(false);
        assertThat(r.problems).isEmpty();
        assertThat(r.summary.getMessagesChecked()).isEqualTo(20);
        assertThat(r.summary.getObjectsChecked()).isEqualTo(2);
        assertThat(r.progressPhases).contains("index", "objects");
    }

    @Test
    void aDamagedObjectIsFoundMessageByMessage() throws Exception {
        String key = objectOf("a");
        byte[] bytes = server.blobs().read(key);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = text.indexOf("payload number 3");
        bytes[at + 8] = 'X'; // flip one byte inside message m3's data
        server.blobs().put(key, bytes);

        Result r = verify(false);

        assertThat(r.problems).singleElement().satisfies(p -> {
            assertThat(p.getKind()).isEqualTo(VerifyProblem.Kind.DIGEST_MISMATCH);
            assertThat(p.getMessageId()).isEqualTo("m3");
            assertThat(p.getObjectKey()).isEqualTo(key);
        });
    }

    @Test
    void aMissingObjectIsReported() {
        String key = objectOf("b");
        server.blobs().delete(key);

        Result r = verify(false);

        assertThat(r.problems).singleElement().satisfies(p -> {
            assertThat(p.getKind()).isEqualTo(VerifyProblem.Kind.MISSING_OBJECT);
            assertThat(p.getDetail()).contains("10 indexed messages");
        });
    }

    @Test
    void aDroppedSegmentRowLeavesAnOrphanThatRepairRemoves() throws Exception {
        String key = objectOf("b");
        sql("DELETE FROM messages WHERE segment_id = (SELECT id FROM segments WHERE object_key = ?)", key);
        sql("DELETE FROM segments WHERE object_key = ?", key);
        server.blobs().put("notes/readme.txt", "another application's object".getBytes(StandardCharsets.UTF_8));

        Result found = verify(false);
        assertThat(found.problems).singleElement().satisfies(p -> {
            assertThat(p.getKind()).isEqualTo(VerifyProblem.Kind.ORPHAN_OBJECT);
            assertThat(p.getObjectKey()).isEqualTo(key);
            assertThat(p.getRepaired()).isFalse();
        });

        Result repaired = verify(true);
        assertThat(repaired.problems).singleElement().extracting(VerifyProblem::getRepaired).isEqualTo(true);
        assertThat(verify(false).problems).isEmpty();
        assertThat(objects()).doesNotContain(key).contains("notes/readme.txt");
    }

    @Test
    void aDroppedMessageRowShowsAsACountMismatchThatRepairCorrects() throws Exception {
        sql("DELETE FROM messages WHERE id_text = ?", "m4");

        Result found = verify(false);
        assertThat(found.problems).singleElement().satisfies(p -> {
            assertThat(p.getKind()).isEqualTo(VerifyProblem.Kind.COUNT_MISMATCH);
            assertThat(p.getDetail()).contains("10 live messages").contains("9 rows");
        });
        verify(true);
        assertThat(verify(false).problems).isEmpty();
        assertThat(server.messages().getBatch(GetBatchRequest.newBuilder().addIds("m5").build()).getMsgsCount())
                .isEqualTo(1);
    }

    private Result verify(boolean repair) {
        Result r = new Result();
        server.admin().verify(VerifyRequest.newBuilder().setRepair(repair).build()).forEachRemaining((VerifyEvent e) -> {
            switch (e.getEventCase()) {
                case PROGRESS -> r.progressPhases.add(e.getProgress().getPhase());
                case PROBLEM -> r.problems.add(e.getProblem());
                case SUMMARY -> r.summary = e.getSummary();
                default -> { }
            }
        });
        assertThat(r.summary).isNotNull();
        assertThat(r.summary.getProblems()).isEqualTo(r.problems.size());
        return r;
    }

    private String objectOf(String stream) {
        return objects().stream().filter(k -> k.startsWith("stream=" + stream + "/")).findFirst().orElseThrow();
    }

    private List<String> objects() {
        List<String> keys = new ArrayList<>();
        server.blobs().list("", (BlobLister.BlobInfo b) -> keys.add(b.key()));
        return keys;
    }

    private void sql(String statement, String arg) {
        server.database().withConnection("test damage", c -> {
            try (PreparedStatement ps = c.prepareStatement(statement)) {
                ps.setString(1, arg);
                return ps.executeUpdate();
            }
        });
    }

    private static final class Result {
        final List<String> progressPhases = new ArrayList<>();
        final List<VerifyProblem> problems = new ArrayList<>();
        VerifySummary summary;
    }
}
