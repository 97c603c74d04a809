package io.stowage.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.stowage.server.storage.error.ServerBusyException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The server-wide cap on bytes that GetBatch calls hold: calls past it wait, then give up with a clear message. */
class BytesInFlightTest {
    final BytesInFlight cap = new BytesInFlight(4 * 1024, Duration.ofSeconds(20));

    @Test
    void aCallPastTheCapWaitsUntilAnotherGivesItsRoomBack() throws Exception {
        BytesInFlight.Permit first = cap.reserve(3 * 1024);
        CompletableFuture<BytesInFlight.Permit> second = CompletableFuture.supplyAsync(() -> cap.reserve(2 * 1024));

        await().atMost(Duration.ofSeconds(10)).until(() -> cap.waiting() == 1);
        assertThat(second).isNotDone();
        assertThat(cap.inUse()).isEqualTo(3 * 1024);

        first.close();
        second.get(10, TimeUnit.SECONDS).close();
        assertThat(cap.inUse()).isZero();
    }

    @Test
    void aCallLargerThanTheWholeCapRunsAloneInsteadOfWaitingForever() {
        try (BytesInFlight.Permit alone = cap.reserve(100 * 1024)) {
            assertThat(cap.inUse()).isEqualTo(4 * 1024);
        }
        assertThat(cap.inUse()).isZero();
    }

    @Test
    void aCallThatFindsNoRoomInTimeIsToldWhatToDo() {
        BytesInFlight impatient = new BytesInFlight(4 * 1024, Duration.ofMillis(50));
        try (BytesInFlight.Permit all = impatient.reserve(4 * 1024)) {
            assertThatThrownBy(() -> impatient.reserve(1)).isInstanceOf(ServerBusyException.class)
                    .hasMessageContaining("STOWAGE_GET_BYTES_IN_FLIGHT").hasMessageContaining("retry later");
        }
    }

    @Test
    void closingAPermitTwiceGivesItsRoomBackOnce() {
        BytesInFlight.Permit p = cap.reserve(2 * 1024);
        p.close();
        p.close();
        try (BytesInFlight.Permit all = cap.reserve(4 * 1024)) {
            assertThat(cap.inUse()).isEqualTo(4 * 1024);
        }
    }
}
