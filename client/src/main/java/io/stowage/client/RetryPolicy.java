package io.stowage.client;

import io.grpc.Status;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to retry a failed call and how long to wait: capped exponential backoff with jitter, for
 * the status codes in {@code retryOn}. Every retry decision of the client is made here.
 *
 * @param maxAttempts attempts in all, including the first; 0 means retry until interrupted
 */
public record RetryPolicy(Duration initialBackoff, Duration maxBackoff, double multiplier, int maxAttempts,
        Set<Status.Code> retryOn) {

    /** Failures that a later attempt can succeed after. PutBatch, GetBatch and DeleteBatch are safe to repeat. */
    public static final Set<Status.Code> TRANSIENT = Set.copyOf(EnumSet.of(Status.Code.UNAVAILABLE,
            Status.Code.DEADLINE_EXCEEDED, Status.Code.RESOURCE_EXHAUSTED, Status.Code.ABORTED));

    /** 6 attempts over about 10 seconds, on transient failures. */
    public static final RetryPolicy DEFAULT = new RetryPolicy(Duration.ofMillis(200), Duration.ofSeconds(5), 2.0, 6,
            TRANSIENT);

    public static final RetryPolicy NONE = new RetryPolicy(Duration.ZERO, Duration.ZERO, 1.0, 1, Set.of());

    public RetryPolicy {
        retryOn = Set.copyOf(retryOn);
    }

    /**
     * Never gives up on anything but a request the server calls invalid: for a worker that must
     * not lose data and waits for the server, or its operator, to set things right.
     */
    public static RetryPolicy untilInvalid(Duration initialBackoff, Duration maxBackoff) {
        EnumSet<Status.Code> all = EnumSet.allOf(Status.Code.class);
        all.remove(Status.Code.OK);
        all.remove(Status.Code.INVALID_ARGUMENT);
        return new RetryPolicy(initialBackoff, maxBackoff, 2.0, 0, all);
    }

    public boolean isRetryable(Status.Code code) {
        return retryOn.contains(code);
    }

    /** Whether attempt number {@code attempt} (1-based) may be followed by another. */
    public boolean allowsAnotherAfter(int attempt) {
        return maxAttempts <= 0 || attempt < maxAttempts;
    }

    /** The wait before attempt {@code attempt + 1}: exponential, capped, jittered over its upper half. */
    public Duration backoffAfter(int attempt) {
        double base = initialBackoff.toMillis() * Math.pow(multiplier, Math.min(30, Math.max(0, attempt - 1)));
        long capped = (long) Math.min(base, maxBackoff.toMillis());
        long jittered = capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
        return Duration.ofMillis(jittered);
    }
}
