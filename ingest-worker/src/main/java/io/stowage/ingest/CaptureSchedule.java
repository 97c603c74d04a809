package io.stowage.ingest;

import io.stowage.api.v1.PutCaptureRequest;
import io.stowage.api.v1.PutCaptureResponse;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes a {@link ClusterCapture} at start and then every interval, on a thread of its own, and
 * sends the topics and groups that changed since the last capture the server stored, and every
 * hour all of them ({@link CaptureChanges}). A failure (Kafka or the server) is logged when captures start failing
 * and when they work again, not at every attempt, and counted; it never touches archiving.
 */
final class CaptureSchedule implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CaptureSchedule.class);

    private final ClusterCapture capture;
    private final Function<PutCaptureRequest, PutCaptureResponse> put;
    private final IngestMetrics metrics;
    private final ScheduledExecutorService timer;
    private final CaptureChanges changes = new CaptureChanges();
    private boolean failing;

    private CaptureSchedule(ClusterCapture capture, Function<PutCaptureRequest, PutCaptureResponse> put,
            IngestMetrics metrics) {
        this.capture = capture;
        this.put = put;
        this.metrics = metrics;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stowage-capture");
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts taking captures now and every {@code interval}. */
    static CaptureSchedule start(ClusterCapture capture, Function<PutCaptureRequest, PutCaptureResponse> put,
            IngestMetrics metrics, Duration interval) {
        CaptureSchedule schedule = new CaptureSchedule(capture, put, metrics);
        schedule.timer.scheduleWithFixedDelay(schedule::runOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        log.info("Capturing topic configurations and consumer-group offsets every {}", interval);
        return schedule;
    }

    /** One capture, sent; runs on the schedule's thread only. */
    void runOnce() {
        PutCaptureResponse stored;
        try {
            PutCaptureRequest changed = changes.changed(capture.read());
            stored = put.apply(changed);
            changes.sent(changed);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            metrics.captureFailed();
            if (!failing) {
                failing = true;
                log.warn("Could not capture the Kafka cluster's topics and groups; archiving goes on, and the capture"
                        + " is tried again on its interval (stowage_ingest_capture_failures_total counts the failures)",
                        e);
            } else {
                log.debug("The capture failed again", e);
            }
            return;
        }
        metrics.captured();
        if (failing) {
            failing = false;
            log.info("Captures work again: {} topics and {} groups changed", stored.getTopics(), stored.getGroups());
        } else {
            log.debug("Captured; {} topics and {} groups changed", stored.getTopics(), stored.getGroups());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
