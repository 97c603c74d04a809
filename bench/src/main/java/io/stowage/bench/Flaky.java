package io.stowage.bench;

import io.grpc.Status;
import io.stowage.client.Retrier;
import io.stowage.client.StowageException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Calls that fail now and then for reasons outside the code measured (a pooled connection the
 * S3 server has closed, an overloaded machine) are retried a couple of times rather than failing a
 * whole benchmark, and every retry is counted and reported beside the results: a figure measured
 * with retries in it says so.
 */
final class Flaky {
    private static final int ATTEMPTS = 3;
    private static final Map<String, Integer> RETRIES = new TreeMap<>();

    private Flaky() {}

    static <T> T call(String what, Callable<T> call) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (RuntimeException e) {
                if (attempt >= ATTEMPTS || !isTransient(e)) {
                    throw e;
                }
                record(what + ": " + describe(e));
            }
        }
    }

    /** Counts the retries a StowageClient makes on its own (UNAVAILABLE, ...). */
    static Retrier.RetryListener listener() {
        return (method, attempt, status) -> record(method + " retried by the client: " + status.getCode());
    }

    static synchronized void record(String what) {
        RETRIES.merge(what, 1, Integer::sum);
        Progress.say("  retrying %s", what);
    }

    static synchronized Map<String, Integer> retries() {
        return Map.copyOf(RETRIES);
    }

    private static boolean isTransient(RuntimeException e) {
        if (e instanceof StowageException s) {
            return s.code() == Status.Code.INTERNAL || s.code() == Status.Code.UNAVAILABLE
                    || s.code() == Status.Code.DEADLINE_EXCEEDED;
        }
        return e instanceof UncheckedIOException || e instanceof SdkClientException;
    }

    private static String describe(RuntimeException e) {
        if (e instanceof StowageException s) {
            return s.code().toString();
        }
        return e.getClass().getSimpleName() + " " + e.getMessage();
    }
}
