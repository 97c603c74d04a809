package io.stowage.server.clean;

import static io.stowage.server.testing.Msgs.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.stowage.api.v1.CleanRequest;
import io.stowage.api.v1.CleanResponse;
import io.stowage.api.v1.GetBatchRequest;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.PutBatchRequest;
import io.stowage.api.v1.VerifyEvent;
import io.stowage.api.v1.VerifyRequest;
import io.stowage.api.v1.VerifySummary;
import io.stowage.server.storage.blob.BlobLister;
import io.stowage.server.testing.ArchiveServer;
import io.stowage.server.testing.ArchiveServer.Backend;
import io.stowage.server.testing.Msgs;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A topic with one record a minute, each in a PutBatch of its own, over PostgreSQL and files
 * through the real stubs: Clean merges the hour's objects, every message comes back byte for
 * byte, and Verify finds nothing wrong.
 */
class SparseTopicMergeServiceTest {
    private static final Logger log = LoggerFactory.getLogger(SparseTopicMergeServiceTest.class);
    private static final Instant PAST_HOUR = Instant.parse("2024-01-01T10:00:00Z");
    private static final int RECORDS = 60;
    private static final int PAYLOAD = 1024;

    @TempDir
    Path tempDir;

    @Test
    void anHourOfOneRecordAMinuteEndsInOneObject(TestInfo info) {
        try (ArchiveServer server = start(info, Map.of())) {
            List<Message> sent = putOneByOne(server);
            assertThat(objects(server)).hasSize(RECORDS);

            CleanResponse report = server.cleaner().clean(CleanRequest.getDefaultInstance());

            log.info("Sparse topic, default target: {} objects before clean, {} after", RECORDS, objects(server).size());
            assertThat(report.getMergedSegments()).isEqualTo(1);
            assertThat(report.getReplacedSegments()).isEqualTo(RECORDS);
            assertThat(objects(server)).hasSize(1);
            assertThat(getAll(server)).isEqualTo(sent);
            assertThat(verify(server).getProblems()).isZero();
            assertThat(verify(server).getMessagesChecked()).isEqualTo(RECORDS);
        }
    }

    @Test
    void aSmallTargetGivesAsManyObjectsAsTheHourNeeds(TestInfo info) {
        int target = 16 * 1024;
        try (ArchiveServer server = start(info, Map.of("STOWAGE_SEGMENT_TARGET_BYTES", "16KiB"))) {
            List<Message> sent = putOneByOne(server);
            List<Long> sizes = objectSizes(server);
            assertThat(sizes).as("documents of one size").containsOnly(sizes.get(0));
            long perObject = target / sizes.get(0);

            CleanResponse report = server.cleaner().clean(CleanRequest.getDefaultInstance());

            long expected = (RECORDS + perObject - 1) / perObject;
            log.info("Sparse topic, target {} bytes: {} objects of {} bytes before clean, {} after", target,
                    sizes.size(), sizes.get(0), objects(server).size());
            assertThat(report.getMergedSegments()).isEqualTo(expected);
            assertThat(report.getReplacedSegments()).isEqualTo(RECORDS);
            assertThat(objectSizes(server)).hasSize((int) expected).allSatisfy(s -> assertThat(s).isLessThanOrEqualTo(target));
            assertThat(getAll(server)).isEqualTo(sent);
            assertThat(verify(server).getProblems()).isZero();
        }
    }

    private ArchiveServer start(TestInfo info, Map<String, String> env) {
        return ArchiveServer.start(info.getTestMethod().orElseThrow().getName(), Backend.FILES, tempDir, env);
    }

    /** One record a minute through the hour, each in its own PutBatch; ids of one width, so every document has one size. */
    private static List<Message> putOneByOne(ArchiveServer server) {
        List<Message> sent = new ArrayList<>();
        for (int i = 0; i < RECORDS; i++) {
            Message m = event(String.format("rec-%03d", i), "sparse", "t", PAST_HOUR.plusSeconds(60L * i), "")
                    .toBuilder().setBinaryData(ByteString.copyFrom(Msgs.randomBytes(PAYLOAD, i))).build();
            server.messages().putBatch(PutBatchRequest.newBuilder().addMsgs(m).build());
            sent.add(m);
        }
        return sent;
    }

    private static List<Message> getAll(ArchiveServer server) {
        GetBatchRequest.Builder req = GetBatchRequest.newBuilder();
        for (int i = 0; i < RECORDS; i++) {
            req.addIds(String.format("rec-%03d", i));
        }
        return server.messages().getBatch(req.build()).getMsgsList();
    }

    private static VerifySummary verify(ArchiveServer server) {
        Iterator<VerifyEvent> events = server.admin().verify(VerifyRequest.getDefaultInstance());
        VerifySummary summary = null;
        while (events.hasNext()) {
            VerifyEvent e = events.next();
            if (e.hasSummary()) {
                summary = e.getSummary();
            }
        }
        assertThat(summary).as("the summary ends every verify").isNotNull();
        return summary;
    }

    private static List<String> objects(ArchiveServer server) {
        List<String> keys = new ArrayList<>();
        server.blobs().list("", (BlobLister.BlobInfo b) -> keys.add(b.key()));
        return keys;
    }

    private static List<Long> objectSizes(ArchiveServer server) {
        List<Long> sizes = new ArrayList<>();
        server.blobs().list("", (BlobLister.BlobInfo b) -> sizes.add(b.size()));
        return sizes;
    }
}
