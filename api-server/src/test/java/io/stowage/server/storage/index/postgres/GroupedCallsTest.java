package io.stowage.server.storage.index.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class GroupedCallsTest {
    /** Work that records each group, and holds the first group until released. */
    private final List<List<Integer>> groups = new CopyOnWriteArrayList<>();
    private final CountDownLatch firstStarted = new CountDownLatch(1);
    private final CountDownLatch releaseFirst = new CountDownLatch(1);

    private final Function<List<Integer>, List<String>> work = requests -> {
        groups.add(List.copyOf(requests));
        if (groups.size() == 1) {
            firstStarted.countDown();
            await(releaseFirst);
        }
        if (requests.contains(-1)) {
            throw new IllegalArgumentException("a request of -1 fails its group");
        }
        if (requests.contains(-2)) {
            throw new AssertionError("a request of -2 fails its group with an Error");
        }
        return requests.stream().map(r -> "result of " + r).toList();
    };

    @Test
    void aCallAloneRunsAtOnceByItself() {
        releaseFirst.countDown();
        GroupedCalls<Integer, String> calls = new GroupedCalls<>(work, r -> 1, 10);

        assertThat(calls.run(7)).isEqualTo("result of 7");
        assertThat(groups).containsExactly(List.of(7));
    }

    @Test
    void callsThatComeWhileOneRunsRunTogetherAfterItAndEachGetsItsOwnResult() throws Exception {
        GroupedCalls<Integer, String> calls = new GroupedCalls<>(work, r -> 1, 10);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> calls.run(0));
        assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<String>> later = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            int request = i;
            later.add(CompletableFuture.supplyAsync(() -> calls.run(request)));
        }
        awaitWaiting(calls, 4);

        releaseFirst.countDown();

        assertThat(first.get()).isEqualTo("result of 0");
        for (int i = 1; i <= 4; i++) {
            assertThat(later.get(i - 1).get()).isEqualTo("result of " + i);
        }
        assertThat(groups).hasSize(2);
        assertThat(groups.get(1)).containsExactlyInAnyOrder(1, 2, 3, 4);
    }

    @Test
    void aGroupHoldsNoMoreThanItsWeightAndTheRestRunNext() throws Exception {
        GroupedCalls<Integer, String> calls = new GroupedCalls<>(work, r -> r, 5);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> calls.run(100)); // over the weight alone
        assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
        List<CompletableFuture<String>> later = new ArrayList<>();
        for (int request : new int[] {3, 3, 3}) {
            later.add(CompletableFuture.supplyAsync(() -> calls.run(request)));
        }
        awaitWaiting(calls, 3);

        releaseFirst.countDown();

        assertThat(first.get()).isEqualTo("result of 100");
        for (CompletableFuture<String> f : later) {
            assertThat(f.get()).isEqualTo("result of 3");
        }
        assertThat(groups).containsExactly(List.of(100), List.of(3), List.of(3), List.of(3));
    }

    @Test
    void aFailedGroupFailsEveryCallInItAndTheNextGroupRunsAsUsual() throws Exception {
        GroupedCalls<Integer, String> calls = new GroupedCalls<>(work, r -> 1, 2);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> calls.run(0));
        assertThat(firstStarted.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<String> failing = CompletableFuture.supplyAsync(() -> calls.run(-1));
        awaitWaiting(calls, 1);
        CompletableFuture<String> sameGroup = CompletableFuture.supplyAsync(() -> calls.run(5));
        awaitWaiting(calls, 2);

        releaseFirst.countDown();

        assertThat(first.get()).isEqualTo("result of 0");
        for (CompletableFuture<String> f : List.of(failing, sameGroup)) {
            assertThatThrownBy(f::get).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(IllegalArgumentException.class);
        }
        assertThat(calls.run(6)).isEqualTo("result of 6");
    }

    @Test
    void anErrorOfTheWorkReachesTheCallerAndLaterCallsStillRun() {
        releaseFirst.countDown();
        GroupedCalls<Integer, String> calls = new GroupedCalls<>(work, r -> 1, 10);

        assertThatThrownBy(() -> calls.run(-2)).isInstanceOf(AssertionError.class);
        assertThat(calls.run(8)).isEqualTo("result of 8");
    }

    @Test
    void manyCallersEachGetTheirOwnResult() throws Exception {
        releaseFirst.countDown();
        GroupedCalls<Integer, String> calls = new GroupedCalls<>(work, r -> 1, 3);
        List<CompletableFuture<String>> results = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            int request = i;
            results.add(CompletableFuture.supplyAsync(() -> calls.run(request)));
        }
        for (int i = 0; i < 500; i++) {
            assertThat(results.get(i).get()).isEqualTo("result of " + i);
        }
        assertThat(groups).allSatisfy(g -> assertThat(g).hasSizeBetween(1, 3));
        assertThat(groups.stream().mapToInt(List::size).sum()).isEqualTo(500);
    }

    private static void awaitWaiting(GroupedCalls<?, ?> calls, int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (calls.waiting() < count && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(calls.waiting()).isEqualTo(count);
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
