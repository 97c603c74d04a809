package io.stowage.server.clean;

import io.stowage.server.metrics.OutageLog;
import io.stowage.server.storage.error.StorageUnavailableException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the cleaner every interval; a failed clean is logged and the next one runs on time. */
public final class CleanScheduler implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CleanScheduler.class);

    private final ScheduledExecutorService timer;

    /** A clean that fails because storage is down goes to {@code outages}, logged once per outage. */
    public CleanScheduler(Cleaner cleaner, Duration interval, OutageLog outages) {
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stowage-cleaner");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(() -> {
            try {
                cleaner.clean();
            } catch (StorageUnavailableException e) {
                e.dependency().ifPresentOrElse(d -> outages.failed(d, e),
                        () -> log.warn("Scheduled clean failed; the next one runs in {}", interval, e));
            } catch (RuntimeException e) {
                log.warn("Scheduled clean failed; the next one runs in {}", interval, e);
            }
        }, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        log.info("Clean runs every {}", interval);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
