package io.stowage.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/** A clock the test moves; optionally it also moves by a step each time it is read, so bounded waits end. */
final class TestClock extends Clock {
    private final AtomicLong millis = new AtomicLong(1_700_000_000_000L);
    private volatile long stepPerRead;

    void advance(Duration d) {
        millis.addAndGet(d.toMillis());
    }

    /** From now on every read moves the clock by {@code step}. */
    void advanceOnEveryRead(Duration step) {
        stepPerRead = step.toMillis();
    }

    @Override
    public long millis() {
        return millis.getAndAdd(stepPerRead);
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
    }
}
