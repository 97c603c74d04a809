package io.stowage.ingest;

import static io.stowage.ingest.LoopFixture.P0;
import static io.stowage.ingest.LoopFixture.P1;
import static io.stowage.ingest.LoopFixture.offsets;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stowage.ingest.LoopFixture.Limits;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The consumer loop over a MockConsumer when partitions go (rebalance) and when it stops. */
@Timeout(30)
class IngestWorkerRebalanceTest {
    final ExecutorService server = Executors.newSingleThreadExecutor();

    @AfterEach
    void tearDown() {
        server.shutdownNow();
    }

    @Test
    void aRevokedPartitionIsDrainedAndCommittedUpToWhatWasAcknowledged() {
        LoopFixture f = new LoopFixture(Limits.of(2)).assign(P0, P1);
        f.records(P0, 0, 4);
        f.records(P1, 0, 2);
        f.poll(1);
        f.records(P0, 4, 5); // read, in the open batch, not yet sent
        f.poll(1);
        List<Batch> inFlight = f.sink.sent();
        assertThat(inFlight).hasSize(3);
        f.sink.ack(inFlight.get(0));
        // the server answers the others while the worker drains, on its own threads
        f.sink.onSend(sealedOnRevoke -> server.execute(() -> {
            f.sink.ack(inFlight.get(1));
            f.sink.ack(inFlight.get(2));
            f.sink.ack(sealedOnRevoke);
        }));

        f.consumer.rebalance(List.of(P1));

        assertThat(f.sink.sent()).hasSize(4);
        assertThat(offsets(f.sink.sent(3), P0)).containsExactly(4L, 4L);
        assertThat(f.committed(P0)).isEqualTo(5);
        assertThat(f.worker.inFlightBytes()).isZero();
        f.poll(1);
        assertThat(f.committed(P1)).as("the partition kept is committed by the loop as usual").isEqualTo(2);
    }

    @Test
    void aLostPartitionTakesItsOpenBatchWithItSoNothingIsCommittedPastUnstoredRecordsWhenItComesBack() {
        LoopFixture f = new LoopFixture(Limits.of(3)).assign(P0);
        f.records(P0, 0, 3);
        f.poll(1); // [0, 2] sent, not acknowledged
        f.records(P0, 3, 4);
        f.poll(1); // 3 waits in the open batch

        f.consumer.listener.onPartitionsLost(List.of(P0));
        f.poll(1);

        assertThat(f.sink.sent()).as("the open batch leaves with the ownership it was read under").hasSize(2);
        assertThat(offsets(f.sink.sent(1), P0)).containsExactly(3L, 3L);
        f.sink.ack(f.sink.sent(1));
        f.poll(1);
        assertThat(f.committed(P0)).as("nothing past the unacknowledged [0, 2]").isEqualTo(-1);
    }

    @Test
    void aBatchThatIsNotAcknowledgedWithinTheBoundIsNotCommittedOnRevoke() {
        LoopFixture f = new LoopFixture(Limits.of(2)).assign(P0, P1);
        f.records(P0, 0, 6);
        f.poll(1);
        f.sink.ack(f.sink.sent(0));
        f.sink.ack(f.sink.sent(2));
        f.clock.advanceOnEveryRead(Duration.ofSeconds(1)); // the 3 s bound passes while the drain waits

        f.consumer.rebalance(List.of(P1));

        assertThat(f.committed(P0)).as("offsets 2..3 are not acknowledged, so neither is anything after them")
                .isEqualTo(2);
        assertThat(f.consumer.assignment()).containsExactly(P1);

        f.sink.ack(f.sink.sent(1)); // late: the partition belongs to another worker by now
        f.poll(1);
        assertThat(f.committed(P0)).isEqualTo(2);
        assertThat(f.worker.inFlightBytes()).isZero();
    }

    @Test
    void aPartitionAssignedWhilePausedStaysPausedUntilTheServerCatchesUp() {
        LoopFixture f = new LoopFixture(Limits.of(1).inFlight(64 << 20, 1)).assign(P0);
        f.records(P0, 0, 3);
        f.poll(1);
        assertThat(f.worker.isPaused()).isTrue();
        f.sink.onSend(b -> server.execute(() -> f.sink.ack(b)));
        f.sink.ack(f.sink.sent(0));

        f.consumer.updateBeginningOffsets(Map.of(P1, 0L));
        f.consumer.rebalance(List.of(P0, P1)); // cooperative: P0 stays, P1 is added

        assertThat(f.consumer.paused()).contains(P1);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            f.poll(1);
            return !f.worker.isPaused();
        });
        assertThat(f.consumer.paused()).isEmpty();
    }

    @Test
    void stoppingSendsWhatWasReadWaitsForItCommitsAndCloses() throws Exception {
        LoopFixture f = new LoopFixture(Limits.of(100)); // the batch lingers an hour: only the stop sends it
        f.sink.ackingAtOnce();
        f.consumer.schedulePollTask(() -> {
            f.consumer.updateBeginningOffsets(Map.of(P0, 0L));
            f.consumer.rebalance(List.of(P0));
            f.records(P0, 0, 5);
        });
        Thread loop = new Thread(f.worker, "test-ingest-loop");
        loop.start();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> f.registry.find("stowage.ingest.records.consumed").counter() != null
                        && f.registry.get("stowage.ingest.records.consumed").counter().count() == 5);
        assertThat(f.sink.sent()).isEmpty();

        f.worker.stop();
        loop.join(10_000);

        assertThat(loop.isAlive()).isFalse();
        assertThat(f.sink.sent()).hasSize(1);
        assertThat(f.committed(P0)).isEqualTo(5);
        assertThat(f.sink.isClosed()).isTrue();
        assertThat(f.consumer.closed()).isTrue();
    }

    @Test
    void stoppingGivesUpABatchThatIsNotAcknowledgedWithinTheBoundAndCommitsThePrefix() {
        LoopFixture f = new LoopFixture(Limits.of(2)).assign(P0);
        f.records(P0, 0, 6);
        f.poll(1);
        f.sink.ack(f.sink.sent(0));
        f.sink.ack(f.sink.sent(2));
        f.clock.advanceOnEveryRead(Duration.ofSeconds(1));

        f.worker.stop();
        f.worker.shutDown();

        assertThat(f.committed(P0)).isEqualTo(2);
        assertThat(f.sink.isClosed()).isTrue();
        assertThat(f.consumer.closed()).isTrue();
    }
}
