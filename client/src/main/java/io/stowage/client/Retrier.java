package io.stowage.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs a call under a {@link RetryPolicy}, reporting each retry to a listener. */
public final class Retrier {
    private static final Logger log = LoggerFactory.getLogger(Retrier.class);

    private final RetryPolicy policy;
    private final RetryListener listener;

    public Retrier(RetryPolicy policy, RetryListener listener) {
        this.policy = policy;
        this.listener = listener;
    }

    public <T> T call(String method, Supplier<T> attempt) {
        for (int n = 1; ; n++) {
            try {
                return attempt.get();
            } catch (StatusRuntimeException e) {
                Status status = e.getStatus();
                if (!policy.isRetryable(status.getCode()) || !policy.allowsAnotherAfter(n)) {
                    throw new StowageException(method + " failed: " + status.getCode() + ": " + status.getDescription()
                            + (n > 1 ? " (after " + n + " attempts)" : ""), status.getCode(), e);
                }
                long waitMs = policy.backoffAfter(n).toMillis();
                listener.retrying(method, n, status);
                if (n == 1 || n % 10 == 0) {
                    log.warn("{} failed with {} ({}); attempt {} in {} ms", method, status.getCode(),
                            status.getDescription(), n + 1, waitMs);
                }
                try {
                    Thread.sleep(waitMs);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new StowageException(method + " interrupted while waiting to retry", status.getCode(), e);
                }
            }
        }
    }

    /** Told about every retry, e.g. to count them. */
    @FunctionalInterface
    public interface RetryListener {
        RetryListener NONE = (method, attempt, status) -> { };

        void retrying(String method, int failedAttempt, Status status);
    }
}
