package io.stowage.server.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A bounded pool for blob-store calls, so that a batch touching several segments, or a read of
 * several byte ranges, waits for the slowest call rather than for their sum.
 */
public final class ParallelIo implements AutoCloseable {
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
        List<CompletableFuture<Void>> futures = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int index = i;
            futures.add(CompletableFuture.runAsync(() -> task.accept(index), pool));
        }
        try {
            CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
