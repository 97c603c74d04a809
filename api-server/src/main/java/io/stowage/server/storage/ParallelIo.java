package io.stowage.server.storage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A bounded pool for blob-store calls, so that a batch touching several segments, or a read of
 * several byte ranges, waits for the slowest call rather than for their sum.
 */
public final class ParallelIo implements AutoCloseable {
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final ExecutorService pool;

    public ParallelIo(int threads) {
        AtomicInteger n = new AtomicInteger();
        ThreadFactory factory = r -> {
            Thread t = new Thread(r, "stowage-io-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.pool = Executors.newFixedThreadPool(threads, factory);
    }

    /** Runs {@code task(0..count-1)}, in parallel when there are several; rethrows the first failure. */
    public void runAll(int count, IntConsumer task) {
        if (count == 1) {
            task.accept(0);
            return;
        }
        start(count, task).await();
    }

    /**
     * Starts {@code task(0..count-1)} on the pool, all of them, and returns at once: the caller
     * does other work meanwhile and then waits for them.
     */
    public Started start(int count, IntConsumer task) {
        List<CompletableFuture<Void>> futures = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int index = i;
            try {
                futures.add(CompletableFuture.runAsync(() -> task.accept(index), pool));
            } catch (RejectedExecutionException e) { // closing: those started still end, and are waited for
                futures.add(CompletableFuture.failedFuture(new IllegalStateException("the server is stopping", e)));
            }
        }
        return new Started(CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])));
    }

    /**
     * Runs {@code task(0..count-1)} as {@link #runAll} does, now, and returns them as ended: their
     * failure is thrown by {@link Started#await}.
     */
    public Started runNow(int count, IntConsumer task) {
        try {
            runAll(count, task);
            return new Started(CompletableFuture.completedFuture(null));
        } catch (RuntimeException e) {
            return new Started(CompletableFuture.failedFuture(e));
        }
    }

    /** Tasks started together. */
    public static final class Started {
        private final CompletableFuture<Void> all;

        private Started(CompletableFuture<Void> all) {
            this.all = all;
        }

        /** Waits until every task has ended; rethrows the first failure (every time it is asked). */
        public void await() {
            try {
                all.join();
            } catch (CompletionException e) {
                throw unwrapped(e);
            }
        }

        /** As {@link #await}, waiting at most {@code limit}: false when a task still runs then. */
        public boolean awaitFor(Duration limit) {
            try {
                all.get(limit.toNanos(), TimeUnit.NANOSECONDS);
                return true;
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                throw e.getCause() instanceof RuntimeException re ? re : new CompletionException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for object writes", e);
            }
        }

        private static RuntimeException unwrapped(CompletionException e) {
            return e.getCause() instanceof RuntimeException re ? re : e;
        }

        /** Waits until every task has ended, whether or not one failed. */
        public void awaitQuietly() {
            try {
                all.join();
            } catch (RuntimeException ignored) {
                // the caller already has a failure of its own to report
            }
        }
    }

    /** Lets the calls under way end (a PutBatch waits for its writes), then stops the threads. */
    @Override
    public void close() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
