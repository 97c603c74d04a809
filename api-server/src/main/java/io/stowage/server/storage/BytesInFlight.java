package io.stowage.server.storage;

import io.stowage.server.storage.error.ServerBusyException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A server-wide cap on the bytes that GetBatch calls hold in memory at once: the stored bytes
 * read, and the documents decompressed from frames beside them. The response
 * budget bounds one call; this bounds them all together, so that many concurrent large reads wait
 * their turn instead of running the heap out (a document is held about three times while a
 * response is built: as read, decoded, and in the response). Counted in KiB so that caps beyond
 * 2 GiB fit a semaphore; a call larger than the whole cap takes all of it and runs alone.
 */
public final class BytesInFlight {
    private static final int UNIT = 1024;

    private final long capacityBytes;
    private final int capacityUnits;
    private final Duration maxWait;
    private final Semaphore units;

    public BytesInFlight(long capacityBytes, Duration maxWait) {
        if (capacityBytes < UNIT) {
            throw new IllegalArgumentException("the cap on bytes in flight must be at least 1KiB, got " + capacityBytes);
        }
        this.capacityBytes = capacityBytes;
        this.capacityUnits = (int) Math.min(Integer.MAX_VALUE, capacityBytes / UNIT);
        this.maxWait = maxWait;
        this.units = new Semaphore(capacityUnits, true);
    }

    /** Waits up to the configured time for room for {@code bytes}; the permit gives it back when closed. */
    public Permit reserve(long bytes) {
        int wanted = (int) Math.min(capacityUnits, Math.max(1, (bytes + UNIT - 1) / UNIT));
        boolean granted;
        try {
            granted = units.tryAcquire(wanted, maxWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            granted = false;
        }
        if (!granted) {
            throw new ServerBusyException("the server is holding its limit of " + capacityBytes / (1024 * 1024)
                    + " MiB (STOWAGE_GET_BYTES_IN_FLIGHT) for other GetBatch calls and could not take "
                    + bytes / 1024 + " KiB more within " + maxWait.toSeconds() + " s; retry later, or ask for"
                    + " fewer ids per call");
        }
        return new Permit(wanted);
    }

    /** Bytes reserved now, for metrics. */
    public long inUse() {
        return (long) (capacityUnits - units.availablePermits()) * UNIT;
    }

    /** Calls waiting for room now. */
    public int waiting() {
        return units.getQueueLength();
    }

    /** Room taken by one call; closing it twice gives it back once. */
    public final class Permit implements AutoCloseable {
        private int held;

        private Permit(int held) {
            this.held = held;
        }

        @Override
        public synchronized void close() {
            if (held > 0) {
                units.release(held);
                held = 0;
            }
        }
    }
}
