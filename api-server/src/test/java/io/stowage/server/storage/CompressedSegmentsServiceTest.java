package io.stowage.server.storage;

import static io.stowage.server.testing.Msgs.event;
import static io.stowage.server.testing.Msgs.header;
import static io.stowage.server.testing.Msgs.kafka;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.luben.zstd.ZstdInputStream;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.stowage.api.v1.CleanRequest;
import io.stowage.api.v1.CleanResponse;
import io.stowage.api.v1.DeleteBatchRequest;
import io.stowage.api.v1.GetBatchRequest;
import io.stowage.api.v1.GetBatchResponse;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.PutBatchRequest;
import io.stowage.api.v1.ScanRequest;
import io.stowage.api.v1.VerifyEvent;
import io.stowage.api.v1.VerifyProblem;
import io.stowage.api.v1.VerifyRequest;
import io.stowage.common.bson.MessageCodec;
import io.stowage.server.storage.blob.BlobLister;
import io.stowage.server.storage.blob.BlobStore;
import io.stowage.server.storage.blob.FileBlobStore;
import io.stowage.server.testing.ArchiveServer;
import io.stowage.server.testing.ArchiveServer.Backend;
import io.stowage.server.testing.Msgs;
import io.stowage.server.testing.TestBackends;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bson.RawBsonDocument;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Segments whose documents are zstd frames, through the real stubs over PostgreSQL and a blob
 * store (S3Proxy or files): served byte for byte, read beside plain segments of the same stream, rewritten and merged
 * by Clean across both forms, damage reported rather than served, and readable as a {@code .bson}
 * dump once decompressed.
 */
class CompressedSegmentsServiceTest {
    private static final Instant HOUR = Instant.parse("2024-03-01T10:00:00Z");
    private static final Map<String, String> ZSTD = Map.of("STOWAGE_SEGMENT_COMPRESSION", "zstd");
    private static final Map<String, String> NONE = Map.of("STOWAGE_SEGMENT_COMPRESSION", "none");

    @TempDir
    Path tempDir;

    /** Every kind of message, all in one stream and hour; ids start with {@code prefix}. */
    static List<Message> everyKind(String prefix, Instant at) {
        long ms = at.toEpochMilli();
        List<Message> all = new ArrayList<>();
        all.add(event(prefix + "binary", "mixed", "t", at, "").toBuilder()
                .setBinaryData(ByteString.copyFrom(Msgs.randomBytes(1024, prefix.hashCode()))).build());
        all.add(event(prefix + "text", "mixed", "t", at.plusSeconds(1), "Try not. Do or do not. Ünïcødé ✓"));
        all.add(event(prefix + "json", "mixed", "t", at.plusSeconds(2), "{\"alert\":{\"id\":\"ZTF24aaa\",\"ra\":"
                + "123.456,\"dec\":-12.5,\"candidates\":[" + "{\"mag\":18.2,\"band\":\"r\"},".repeat(20) + "{}]}}"));
        all.add(event(prefix + "empty", "mixed", "t", at.plusSeconds(3), "").toBuilder()
                .setBinaryData(ByteString.EMPTY).build());
        all.add(event(prefix + "nodata", "mixed", "t", at.plusSeconds(4), "").toBuilder().clearData().build());
        all.add(event(prefix + "proto", "mixed", "t", at.plusSeconds(5), "").toBuilder()
                .setProtoData(Any.newBuilder().setTypeUrl("type.googleapis.com/x.Y")
                        .setValue(ByteString.copyFrom(new byte[] {8, 1, 0, -1}))).build());
        Message.Builder tombstone = kafka(prefix + "tombstone", "mixed", 0, 7);
        tombstone.getKafkaBuilder().setTimestamp(ms + 6000).setNullValue(true)
                .addHeaders(header("dup", "a".getBytes(StandardCharsets.UTF_8))).addHeaders(header("dup", null))
                .addHeaders(header("empty", new byte[0])).addHeaders(header("bin", new byte[] {0, -128, 127}));
        all.add(tombstone.build());
        Message.Builder keyed = kafka(prefix + "keyed", "mixed", 1, 8);
        keyed.getKafkaBuilder().setTimestamp(ms + 7000).setKey(ByteString.EMPTY);
        all.add(keyed.setBinaryData(ByteString.EMPTY).build());
        return all;
    }

    @Test
    void aCompressedServerServesEveryKindOfMessageByteExact(TestInfo info) throws IOException {
        try (ArchiveServer server = ArchiveServer.start(name(info), Backend.S3, tempDir, ZSTD)) {
            List<Message> sent = everyKind("z-", HOUR);
            assertThat(server.messages().putBatch(PutBatchRequest.newBuilder().addAllMsgs(sent).build()).getAckCount())
                    .isEqualTo(sent.size());

            GetBatchResponse got = server.messages().getBatch(GetBatchRequest.newBuilder()
                    .addAllIds(ids(sent)).setIncludeDocuments(true).build());
            assertThat(got.getMsgsList()).isEqualTo(sent);
            for (int i = 0; i < sent.size(); i++) {
                // the documents a client gets are plain BSON, whatever the stored form
                assertThat(MessageCodec.decode(got.getDocuments(i).toByteArray())).isEqualTo(sent.get(i));
            }
            assertThat(scan(server)).containsExactlyInAnyOrderElementsOf(sent);

            List<String> keys = objects(server.blobs());
            assertThat(keys).isNotEmpty().allSatisfy(k -> assertThat(k).endsWith(".bson.zst"));
            List<Message> dumped = new ArrayList<>();
            for (String key : keys) {
                dumped.addAll(dump(decompressAll(server.blobs().read(key))));
            }
            assertThat(dumped).containsExactlyInAnyOrderElementsOf(sent);
        }
    }

    @Test
    void plainAndCompressedSegmentsAreReadSideBySideAndCleanRewritesAndMergesAcrossBoth(TestInfo info) {
        String name = name(info);
        BlobStore files = new FileBlobStore(tempDir.resolve(name));
        List<Message> plain = everyKind("p-", HOUR);
        List<Message> framed = everyKind("f-", HOUR.plusSeconds(600));
        List<Message> later = everyKind("l-", HOUR.plusSeconds(3600));
        try (ArchiveServer server = ArchiveServer.start(name, files, NONE)) {
            server.messages().putBatch(PutBatchRequest.newBuilder().addAllMsgs(plain).build());
        }
        try (ArchiveServer server = ArchiveServer.start(name, new FileBlobStore(tempDir.resolve(name)), ZSTD)) {
            server.messages().putBatch(PutBatchRequest.newBuilder().addAllMsgs(framed).build());
            server.messages().putBatch(PutBatchRequest.newBuilder().addAllMsgs(later).build());
            assertThat(objects(server.blobs())).anyMatch(k -> k.endsWith(".bson")).anyMatch(k -> k.endsWith(".bson.zst"));
            assertThat(getAll(server, plain, framed, later)).isEqualTo(concat(plain, framed, later));
            assertThat(scan(server)).containsExactlyInAnyOrderElementsOf(concat(plain, framed, later));

            // the first hour's plain and compressed segments merge into compressed ones
            CleanResponse merged = server.cleaner().clean(CleanRequest.getDefaultInstance());
            assertThat(merged.getReplacedSegments()).isGreaterThan(merged.getMergedSegments()).isPositive();
            assertThat(objects(server.blobs())).allSatisfy(k -> assertThat(k).endsWith(".bson.zst"));
            assertThat(getAll(server, plain, framed, later)).isEqualTo(concat(plain, framed, later));
            assertThat(problems(server)).isEmpty();
        }
        try (ArchiveServer server = ArchiveServer.start(name, new FileBlobStore(tempDir.resolve(name)), NONE)) {
            // a delete makes the later hour's compressed segments sparse: the rewrite is plain
            server.messages().deleteBatch(DeleteBatchRequest.newBuilder().addIds("l-json").build());
            List<Message> kept = new ArrayList<>(later);
            kept.removeIf(m -> m.getId().equals("l-json"));
            CleanResponse rewritten = server.cleaner().clean(CleanRequest.getDefaultInstance());
            assertThat(rewritten.getRewrittenSegments()).isPositive();
            assertThat(objects(server.blobs())).anyMatch(k -> k.endsWith(".bson")).anyMatch(k -> k.endsWith(".bson.zst"));
            assertThat(getAll(server, plain, framed, kept)).isEqualTo(concat(plain, framed, kept));
            assertThat(scan(server)).containsExactlyInAnyOrderElementsOf(concat(plain, framed, kept));
            assertThat(problems(server)).isEmpty();
        }
    }

    @Test
    void aDamagedFrameIsReportedAsDamagedAndNotServed(TestInfo info) {
        try (ArchiveServer server = ArchiveServer.start(name(info), Backend.FILES, tempDir, ZSTD)) {
            List<Message> sent = everyKind("d-", HOUR);
            server.messages().putBatch(PutBatchRequest.newBuilder().addAllMsgs(sent).build());
            var where = server.storage().index().locate(List.of("d-binary")).get(0);
            String key = where.objectKey();
            byte[] object = server.blobs().read(key);
            object[where.offset() + where.length() / 2] ^= 0x01; // inside the raw block of the random payload
            server.blobs().put(key, object);

            assertThatThrownBy(() -> server.messages().getBatch(GetBatchRequest.newBuilder().addIds("d-binary").build()))
                    .isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DATA_LOSS));
            assertThatThrownBy(() -> scan(server)).isInstanceOfSatisfying(StatusRuntimeException.class,
                    e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DATA_LOSS));
            assertThat(server.messages().getBatch(GetBatchRequest.newBuilder().addIds("d-text").build()).getMsgsList())
                    .containsExactly(sent.get(1));
            assertThat(problems(server)).singleElement().satisfies(p -> {
                assertThat(p.getKind()).isEqualTo(VerifyProblem.Kind.UNREADABLE_MESSAGE);
                assertThat(p.getMessageId()).isEqualTo("d-binary");
                assertThat(p.getDetail()).contains("zstd");
            });
        }
    }

    @Test
    void theGetBatchBudgetCountsDocumentsAtTheirDecompressedLength(TestInfo info) {
        int budget = 64 * 1024;
        Map<String, String> env = Map.of("STOWAGE_SEGMENT_COMPRESSION", "zstd",
                "STOWAGE_GET_RESPONSE_BYTES", String.valueOf(budget));
        try (ArchiveServer server = ArchiveServer.start(name(info), Backend.FILES, tempDir, env)) {
            List<Message> sent = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                sent.add(event("big-" + i, "s", "t", HOUR, "a".repeat(30_000) + i)); // a frame of a few hundred bytes
            }
            server.messages().putBatch(PutBatchRequest.newBuilder().addAllMsgs(sent).build());

            GetBatchResponse first = server.messages().getBatch(GetBatchRequest.newBuilder().addAllIds(ids(sent)).build());
            assertThat(first.getMsgsCount()).isBetween(1, budget / 30_000);
            assertThat(first.getRemainingIdsList()).hasSize(sent.size() - first.getMsgsCount());

            List<Message> got = new ArrayList<>(first.getMsgsList());
            List<String> ask = first.getRemainingIdsList();
            while (!ask.isEmpty()) {
                GetBatchResponse rsp = server.messages().getBatch(GetBatchRequest.newBuilder().addAllIds(ask).build());
                assertThat(rsp.getMsgsCount()).isPositive();
                got.addAll(rsp.getMsgsList());
                ask = rsp.getRemainingIdsList();
            }
            assertThat(got).isEqualTo(sent);
        }
    }

    @Test
    void theZstdCommandDecompressesASegmentFileIntoTheBsonDump(TestInfo info) throws Exception {
        Path zstd = Path.of("/usr/bin/zstd");
        Assumptions.assumeTrue(java.nio.file.Files.isExecutable(zstd), "the zstd command is not installed");
        String name = name(info);
        Path dir = tempDir.resolve(name);
        try (ArchiveServer server = ArchiveServer.start(name, new FileBlobStore(dir), ZSTD)) {
            List<Message> sent = everyKind("c-", HOUR);
            server.messages().putBatch(PutBatchRequest.newBuilder().addAllMsgs(sent).build());
            List<Message> dumped = new ArrayList<>();
            for (String key : objects(server.blobs())) {
                Process p = new ProcessBuilder(zstd.toString(), "-d", "-c", dir.resolve(key).toString())
                        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
                byte[] bson = p.getInputStream().readAllBytes();
                assertThat(p.waitFor()).isZero();
                dumped.addAll(dump(bson));
            }
            assertThat(dumped).containsExactlyInAnyOrderElementsOf(sent);
        }
    }

    /** What {@code zstd -d} does: every frame of the object, decompressed, back to back. */
    static byte[] decompressAll(byte[] object) throws IOException {
        try (ZstdInputStream in = new ZstdInputStream(new ByteArrayInputStream(object))) {
            return in.readAllBytes();
        }
    }

    /** The messages of a {@code .bson} dump, read with org.bson. */
    static List<Message> dump(byte[] bson) {
        List<Message> out = new ArrayList<>();
        int at = 0;
        while (at < bson.length) {
            int length = ByteBuffer.wrap(bson, at, 4).order(ByteOrder.LITTLE_ENDIAN).getInt();
            RawBsonDocument doc = new RawBsonDocument(bson, at, length);
            assertThat(doc.getInt32("fv").getValue()).isEqualTo(1);
            out.add(MessageCodec.decode(bson, at, length));
            at += length;
        }
        return out;
    }

    private static String name(TestInfo info) {
        return TestBackends.uniqueName(info.getTestMethod().orElseThrow().getName());
    }

    @SafeVarargs
    private static List<Message> concat(List<Message>... lists) {
        List<Message> all = new ArrayList<>();
        for (List<Message> l : lists) {
            all.addAll(l);
        }
        return all;
    }

    private static List<String> ids(List<Message> msgs) {
        return msgs.stream().map(Message::getId).toList();
    }

    @SafeVarargs
    private static List<Message> getAll(ArchiveServer server, List<Message>... lists) {
        return server.messages().getBatch(GetBatchRequest.newBuilder().addAllIds(ids(concat(lists))).build())
                .getMsgsList();
    }

    private static List<Message> scan(ArchiveServer server) {
        List<Message> out = new ArrayList<>();
        server.messages().scan(ScanRequest.newBuilder().setStream("mixed").setLimit(1000).build())
                .forEachRemaining(r -> out.add(r.getMsg()));
        return out;
    }

    private static List<VerifyProblem> problems(ArchiveServer server) {
        List<VerifyProblem> problems = new ArrayList<>();
        server.admin().verify(VerifyRequest.getDefaultInstance()).forEachRemaining((VerifyEvent e) -> {
            if (e.hasProblem()) {
                problems.add(e.getProblem());
            }
        });
        return problems;
    }

    private static List<String> objects(BlobStore blobs) {
        List<String> keys = new ArrayList<>();
        blobs.list("", (BlobLister.BlobInfo b) -> keys.add(b.key()));
        return keys;
    }
}
