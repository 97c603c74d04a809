package io.stowage.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.stowage.api.awakari.messages.ServiceGrpc;
import io.stowage.api.cloudevents.CloudEvent;
import io.stowage.api.v1.GetBatchRequest;
import io.stowage.api.v1.GetBatchResponse;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.PutBatchRequest;
import io.stowage.server.testing.ArchiveServer;
import io.stowage.server.testing.ArchiveServer.Backend;
import io.stowage.server.testing.Msgs;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** A GetBatch larger than the response budget: a prefix is sent, the rest is named for the next call. */
class GetBatchBudgetTest {
    static final int BUDGET = 64 * 1024;
    static final int PAYLOAD = 10_000;

    @TempDir
    Path tempDir;
    ArchiveServer server;
    List<String> ids;

    @BeforeEach
    void start(TestInfo info) {
        server = ArchiveServer.start(info.getTestMethod().orElseThrow().getName(), Backend.FILES, tempDir,
                Map.of("STOWAGE_GET_RESPONSE_BYTES", String.valueOf(BUDGET), "STOWAGE_GET_BYTES_IN_FLIGHT", "1MiB"));
        List<Message> msgs = IntStream.range(0, 40).mapToObj(i -> Msgs.event("big-" + i, "s", "t",
                Instant.parse("2024-06-01T00:00:00Z").plusSeconds(i), "").toBuilder()
                .setBinaryData(ByteString.copyFrom(Msgs.randomBytes(PAYLOAD, i))).build()).toList();
        server.messages().putBatch(PutBatchRequest.newBuilder().addAllMsgs(msgs).build());
        ids = new ArrayList<>(msgs.stream().map(Message::getId).toList());
        Collections.shuffle(ids, new Random(7));
        ids.add(17, "not-stored");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aResponseCarriesWhatFitsAndNamesTheRemainingIdsInRequestOrder() {
        GetBatchResponse rsp = server.messages().getBatch(GetBatchRequest.newBuilder().addAllIds(ids).build());

        List<String> known = ids.stream().filter(id -> !id.equals("not-stored")).toList();
        assertThat(rsp.getMsgsCount()).isBetween(1, BUDGET / PAYLOAD);
        assertThat(rsp.getMsgsList().stream().mapToInt(Message::getSerializedSize).sum()).isLessThanOrEqualTo(BUDGET);
        List<String> sentThenRemaining = new ArrayList<>(rsp.getMsgsList().stream().map(Message::getId).toList());
        sentThenRemaining.addAll(rsp.getRemainingIdsList());
        assertThat(sentThenRemaining).containsExactlyElementsOf(known);
    }

    @Test
    void askingAgainForTheRemainingIdsGetsEverythingInRequestOrder() {
        List<Message> got = new ArrayList<>();
        List<String> ask = ids;
        int calls = 0;
        while (!ask.isEmpty()) {
            GetBatchResponse rsp = server.messages().getBatch(GetBatchRequest.newBuilder().addAllIds(ask).build());
            got.addAll(rsp.getMsgsList());
            ask = rsp.getRemainingIdsList();
            calls++;
        }
        assertThat(calls).isGreaterThan(1);
        assertThat(got).extracting(Message::getId)
                .containsExactlyElementsOf(ids.stream().filter(id -> !id.equals("not-stored")).toList());
        assertThat(got).allSatisfy(m -> assertThat(m.getBinaryData().size()).isEqualTo(PAYLOAD));
    }

    @Test
    void withDocumentsEachMessageCountsTwice() {
        GetBatchResponse rsp = server.messages().getBatch(GetBatchRequest.newBuilder().addAllIds(ids)
                .setIncludeDocuments(true).build());

        assertThat(rsp.getDocumentsCount()).isEqualTo(rsp.getMsgsCount()).isBetween(1, BUDGET / 2 / PAYLOAD);
        assertThat(rsp.getSerializedSize()).isLessThanOrEqualTo(BUDGET + 4096);
        assertThat(rsp.getMsgsCount() + rsp.getRemainingIdsCount()).isEqualTo(40);
    }

    @Test
    void aMessageLargerThanTheBudgetIsStillSentAlone() {
        Message huge = Msgs.event("huge", "s", "t", Instant.parse("2024-06-01T00:00:00Z"), "").toBuilder()
                .setBinaryData(ByteString.copyFrom(Msgs.randomBytes(2 * BUDGET, 1))).build();
        server.messages().putBatch(PutBatchRequest.newBuilder().addMsgs(huge).build());

        GetBatchResponse rsp = server.messages().getBatch(GetBatchRequest.newBuilder().addIds("huge")
                .addIds("big-0").build());

        assertThat(rsp.getMsgsList()).extracting(Message::getId).containsExactly("huge");
        assertThat(rsp.getRemainingIdsList()).containsExactly("big-0");
    }

    @Test
    void awakariGetBatchReturnsAPrefixInRequestOrderAndTheCallerAsksForTheRest() {
        var awakari = ServiceGrpc.newBlockingStub(server.channel());
        List<String> got = new ArrayList<>();
        List<String> ask = ids;
        while (true) {
            List<String> part = awakari.getBatch(io.stowage.api.awakari.messages.GetBatchRequest.newBuilder()
                    .addAllIds(ask).build()).getMsgsList().stream().map(CloudEvent::getId).toList();
            if (part.isEmpty()) {
                break;
            }
            assertThat(part.size()).isLessThanOrEqualTo(BUDGET / PAYLOAD);
            got.addAll(part);
            String last = part.get(part.size() - 1);
            ask = ask.subList(ask.indexOf(last) + 1, ask.size());
        }
        assertThat(got).containsExactlyElementsOf(ids.stream().filter(id -> !id.equals("not-stored")).toList());
    }

    @Test
    void manyConcurrentReadersShareTheServersCapOnBytesInFlightAndEachGetsEverything() throws Exception {
        // 8 callers x 12 rounds read about 38 MB through a 1 MiB cap: room a call did not give back
        // would stall the later calls until they fail with RESOURCE_EXHAUSTED
        List<String> known = ids.stream().filter(id -> !id.equals("not-stored")).toList();
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> rounds = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                rounds.add(callers.submit(() -> {
                    for (int round = 0; round < 12; round++) {
                        List<String> got = new ArrayList<>();
                        List<String> ask = ids;
                        while (!ask.isEmpty()) {
                            GetBatchResponse rsp = server.messages().getBatch(GetBatchRequest.newBuilder().addAllIds(ask)
                                    .setIncludeDocuments(round % 2 == 0).build());
                            rsp.getMsgsList().forEach(m -> got.add(m.getId()));
                            ask = rsp.getRemainingIdsList();
                        }
                        assertThat(got).containsExactlyElementsOf(known);
                    }
                    return 12;
                }));
            }
            for (Future<Integer> r : rounds) {
                assertThat(r.get(120, TimeUnit.SECONDS)).isEqualTo(12);
            }
        } finally {
            callers.shutdownNow();
        }
    }
}
