package io.stowage.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    @Test
    void theDefaultRetriesOnlyTransientFailures() {
        assertThat(RetryPolicy.DEFAULT.isRetryable(Status.Code.UNAVAILABLE)).isTrue();
        assertThat(RetryPolicy.DEFAULT.isRetryable(Status.Code.DEADLINE_EXCEEDED)).isTrue();
        assertThat(RetryPolicy.DEFAULT.isRetryable(Status.Code.INVALID_ARGUMENT)).isFalse();
        assertThat(RetryPolicy.DEFAULT.isRetryable(Status.Code.PERMISSION_DENIED)).isFalse();
        assertThat(RetryPolicy.DEFAULT.isRetryable(Status.Code.NOT_FOUND)).isFalse();
    }

    @Test
    void attemptsAreCountedWithTheFirstOne() {
        RetryPolicy three = new RetryPolicy(Duration.ZERO, Duration.ZERO, 2.0, 3, RetryPolicy.TRANSIENT);

        assertThat(three.allowsAnotherAfter(1)).isTrue();
        assertThat(three.allowsAnotherAfter(2)).isTrue();
        assertThat(three.allowsAnotherAfter(3)).isFalse();
        assertThat(RetryPolicy.NONE.allowsAnotherAfter(1)).isFalse();
    }

    @Test
    void untilInvalidRetriesEverythingButAnInvalidRequestForever() {
        RetryPolicy policy = RetryPolicy.untilInvalid(Duration.ofMillis(200), Duration.ofSeconds(10));

        assertThat(policy.allowsAnotherAfter(1_000_000)).isTrue();
        assertThat(policy.isRetryable(Status.Code.INVALID_ARGUMENT)).isFalse();
        for (Status.Code code : Status.Code.values()) {
            if (code != Status.Code.OK && code != Status.Code.INVALID_ARGUMENT) {
                assertThat(policy.isRetryable(code)).as("%s", code).isTrue();
            }
        }
    }

    @Test
    void backoffGrowsExponentiallyWithinTheUpperHalfOfEachStep() {
        RetryPolicy policy = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(60), 2.0, 0, Set.of());

        for (int i = 0; i < 200; i++) {
            assertThat(policy.backoffAfter(1).toMillis()).isBetween(50L, 100L);
            assertThat(policy.backoffAfter(2).toMillis()).isBetween(100L, 200L);
            assertThat(policy.backoffAfter(4).toMillis()).isBetween(400L, 800L);
        }
    }

    @Test
    void backoffIsCappedAtTheMaximumEvenAfterManyAttempts() {
        RetryPolicy policy = new RetryPolicy(Duration.ofMillis(200), Duration.ofSeconds(10), 2.0, 0, Set.of());

        for (int attempt : List.of(7, 30, 1000, Integer.MAX_VALUE)) {
            assertThat(policy.backoffAfter(attempt).toMillis()).as("after attempt %d", attempt)
                    .isBetween(5_000L, 10_000L);
        }
    }

    @Test
    void theRetryOnSetIsCopied() {
        Set<Status.Code> codes = new HashSet<>(Set.of(Status.Code.UNAVAILABLE));
        RetryPolicy policy = new RetryPolicy(Duration.ZERO, Duration.ZERO, 1.0, 2, codes);
        codes.add(Status.Code.INTERNAL);

        assertThat(policy.isRetryable(Status.Code.INTERNAL)).isFalse();
    }

    @Test
    void theRetrierRetriesWhatThePolicyAllowsAndTellsTheListener() {
        RetryPolicy policy = new RetryPolicy(Duration.ZERO, Duration.ZERO, 2.0, 5, RetryPolicy.TRANSIENT);
        List<Integer> told = new ArrayList<>();
        AtomicInteger calls = new AtomicInteger();
        Retrier retrier = new Retrier(policy, (method, attempt, status) -> told.add(attempt));

        String answer = retrier.call("PutBatch", () -> {
            if (calls.incrementAndGet() < 3) {
                throw Status.UNAVAILABLE.withDescription("restarting").asRuntimeException();
            }
            return "ok";
        });

        assertThat(answer).isEqualTo("ok");
        assertThat(told).containsExactly(1, 2);
    }

    @Test
    void theRetrierGivesUpOnANonRetryableCodeAtOnceWithTheCode() {
        Retrier retrier = new Retrier(RetryPolicy.DEFAULT, Retrier.RetryListener.NONE);
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> retrier.call("PutBatch", () -> {
            calls.incrementAndGet();
            throw new StatusRuntimeException(Status.INVALID_ARGUMENT.withDescription("message 'x' is too large"));
        })).isInstanceOf(StowageException.class)
                .hasMessageContaining("INVALID_ARGUMENT").hasMessageContaining("too large")
                .satisfies(e -> assertThat(((StowageException) e).code()).isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertThat(calls).hasValue(1);
    }

    @Test
    void theRetrierStopsAfterTheLastAttemptAndSaysHowMany() {
        RetryPolicy twice = new RetryPolicy(Duration.ZERO, Duration.ZERO, 2.0, 2, RetryPolicy.TRANSIENT);
        Retrier retrier = new Retrier(twice, Retrier.RetryListener.NONE);

        assertThatThrownBy(() -> retrier.call("GetBatch", () -> {
            throw Status.UNAVAILABLE.asRuntimeException();
        })).isInstanceOf(StowageException.class).hasMessageContaining("after 2 attempts");
    }
}
