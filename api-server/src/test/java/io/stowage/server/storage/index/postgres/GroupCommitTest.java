package io.stowage.server.storage.index.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.server.storage.error.StorageException;
import io.stowage.server.storage.index.IndexContractFixture;
import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.storage.index.MessageLocation;
import io.stowage.server.testing.TestBackends;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Commits of concurrent calls share statements (a group commit): each call must still get back
 * exactly the ids indexed in its own segment, also when two calls of one group carry the same id
 * (then the group's {@code COPY} or plain insert fails and the insert that settles runs).
 */
class GroupCommitTest extends IndexContractFixture {
    private static final int WRITERS = 8;

    @Override
    protected MessageIndex open(String schema) {
        return new PostgresIndex(TestBackends.database(schema));
    }

    @Test
    void concurrentCommitsSharingIdsIndexEachIdOnceAndTellEachCallWhatItIndexed() throws Exception {
        int total = 0;
        ExecutorService threads = Executors.newFixedThreadPool(WRITERS);
        try {
            total = commitRounds(threads);
        } finally {
            threads.shutdownNow();
        }
        assertThat(index.messageCount()).isEqualTo(total);
    }

    private int commitRounds(ExecutorService threads) throws Exception {
        int total = 0;
        for (int round = 0; round < 20; round++) {
            // ids of its own per writer (UUIDs and text), and 5 shared with each neighbour: calls of
            // 50 rows go alone by a plain insert and in a group of 4 or more by COPY; calls of 25 by a
            // plain insert, alone or in a group of up to 7
            int ownIds = round % 2 == 0 ? 40 : 15;
            List<List<String>> ids = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                List<String> own = new ArrayList<>();
                for (int i = 0; i < ownIds; i++) {
                    own.add(i % 2 == 0 ? UUID.randomUUID().toString() : "r" + round + "-w" + w + "-" + i);
                }
                ids.add(own);
            }
            for (int w = 0; w < WRITERS; w++) {
                for (int i = 0; i < 5; i++) {
                    String shared = "r" + round + "-shared-" + w + "-" + i;
                    ids.get(w).add(shared);
                    ids.get((w + 1) % WRITERS).add(0, shared);
                }
            }
            long[] segments = new long[WRITERS];
            for (int w = 0; w < WRITERS; w++) {
                segments[w] = pending("s", "t", ids.get(w).size());
            }
            CyclicBarrier start = new CyclicBarrier(WRITERS);
            List<CompletableFuture<Collection<String>>> calls = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                calls.add(commitAfter(index, threads, start, segments[w], ids.get(w)));
            }

            Map<String, Long> claimedBy = new HashMap<>();
            for (int w = 0; w < WRITERS; w++) {
                for (String id : calls.get(w).get()) {
                    assertThat(ids.get(w)).contains(id);
                    assertThat(claimedBy.put(id, segments[w])).as("%s claimed twice", id).isNull();
                }
            }
            List<String> all = ids.stream().flatMap(List::stream).distinct().toList();
            assertThat(claimedBy).hasSize(all.size());
            for (MessageLocation l : index.locate(all)) {
                assertThat(l.segmentId()).as(l.id()).isEqualTo(claimedBy.get(l.id()));
            }
            total += all.size();
        }
        return total;
    }

    @Test
    void aCallWhoseRowsTheDatabaseRefusesFailsAloneAndTheOthersOfItsGroupAreIndexed() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(WRITERS);
        try {
            for (int round = 0; round < 5; round++) {
                long[] segments = new long[WRITERS];
                List<List<String>> ids = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    List<String> own = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        own.add(w == 3 && i == 7 ? "nul\u0000" + round : "r" + round + "-w" + w + "-" + i);
                    }
                    ids.add(own);
                    segments[w] = pending("s", "t", own.size());
                }
                CyclicBarrier start = new CyclicBarrier(WRITERS);
                List<CompletableFuture<Collection<String>>> calls = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    calls.add(commitAfter(index, threads, start, segments[w], ids.get(w)));
                }
                for (int w = 0; w < WRITERS; w++) {
                    if (w == 3) {
                        assertThatThrownBy(calls.get(w)::get).hasCauseInstanceOf(StorageException.class);
                    } else {
                        assertThat(calls.get(w).get()).containsExactlyInAnyOrderElementsOf(ids.get(w));
                    }
                }
            }
            assertThat(index.messageCount()).isEqualTo(5 * (WRITERS - 1) * 20);
        } finally {
            threads.shutdownNow();
        }
    }
}
