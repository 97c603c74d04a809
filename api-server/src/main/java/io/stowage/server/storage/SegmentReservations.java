package io.stowage.server.storage;

import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.storage.index.NewSegment;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pending segments registered ahead of the writes that use them, per layout partition: the crash
 * marker of a segment (its pending row, durable before its object is written) without a durable
 * round trip of its own for every PutBatch. A partition whose reserved segments are all taken while
 * still young gets twice as many the next time (1, 2, 4, ... up to {@link #MOST_AT_ONCE}); one
 * written now and then gets one at a time, registered by the write that needs it, as before.
 *
 * <p>A reserved segment is used only while it is younger than {@code maxAge}, a small part of the
 * cleaner's grace period for pending segments: its write then has nearly the whole grace period
 * to commit, as a segment registered by its own write had. Ages are read from the write path's
 * clock and count from before the registration. The cleaner compares the rows' {@code created_at}
 * (PostgreSQL's clock) with its own clock, so clocks that differ by more than the grace period
 * less {@code maxAge} could have it retire a segment in use: that write then fails, and is
 * retried; nothing acknowledged is lost. Every server must run with the same grace period.
 *
 * <p>Those that age unused are forgotten (their rows deleted) by a sweep every {@code maxAge}, off
 * the write path, and those left at shutdown by {@link #close}. After a crash they stay pending,
 * and the cleaner retires them after the grace period as it does an interrupted write's (deleting
 * an object that was never written succeeds).
 */
final class SegmentReservations implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SegmentReservations.class);
    /** The most pending segments one reservation registers for a partition. */
    static final int MOST_AT_ONCE = 32;
    /** The longest {@link #close} waits for the index to forget the reserved segments no write took. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(3);

    private final MessageIndex index;
    private final SegmentFormat format;
    private final long maxAgeMillis;
    private final Clock clock;
    private final Map<LayoutPartition, Pool> pools = new ConcurrentHashMap<>();
    /** Reserved segments no write will take (too old, or no pool holds them), to forget at the next sweep. */
    private final Queue<Long> toForget = new ConcurrentLinkedQueue<>();
    /** Runs {@link #sweep} every {@code maxAge}; started with the first spare. */
    private ScheduledExecutorService sweeper;
    private volatile boolean closed;
    /** Whether {@link #close} stopped waiting for the index to forget the reserved segments. */
    private volatile boolean gaveUp;

    SegmentReservations(MessageIndex index, SegmentFormat format, Duration maxAge, Clock clock) {
        this.index = index;
        this.format = format;
        this.maxAgeMillis = maxAge.toMillis();
        this.clock = clock;
    }

    /**
     * How long a reserved segment stays usable for a cleaner's grace period: a tenth of it, at most
     * a minute, so that a write that takes one has nearly the whole grace period to commit.
     */
    static Duration maxAgeFor(Duration pendingGrace) {
        Duration tenth = pendingGrace.dividedBy(10);
        return tenth.compareTo(Duration.ofMinutes(1)) < 0 ? tenth : Duration.ofMinutes(1);
    }

    /** A pending segment registered for a write: its row's id and its object's key. */
    record Reserved(long id, String objectKey, long reservedAtMillis) {}

    /**
     * One pending segment for each partition, in order: reserved ones where there are, and the
     * others registered now, in one round trip to the index for all of them (with spares for the
     * next writes of those partitions). When that round trip fails, the reserved ones taken are
     * put back.
     */
    List<Reserved> take(List<LayoutPartition> partitions) {
        if (maxAgeMillis <= 0) {
            return registerOneEach(partitions);
        }
        Reserved[] taken = new Reserved[partitions.size()];
        Pool[] poolOf = new Pool[partitions.size()];
        List<Integer> missing = new ArrayList<>();
        List<NewSegment> toRegister = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        long now = clock.millis();
        for (int i = 0; i < partitions.size(); i++) {
            LayoutPartition p = partitions.get(i);
            int more;
            while (true) {
                Pool pool = pools.computeIfAbsent(p, k -> new Pool());
                synchronized (pool) {
                    if (pool.removed) {
                        continue; // the sweep took it out of the map meanwhile: use its successor
                    }
                    poolOf[i] = pool;
                    taken[i] = pool.poll(now, maxAgeMillis, toForget);
                    more = taken[i] == null ? pool.nextReservation(now, maxAgeMillis) : 0;
                }
                break;
            }
            if (more == 0) {
                continue;
            }
            missing.add(i);
            counts.add(more);
            for (int k = 0; k < more; k++) {
                // placeholders: the commit sets the object's size, count and time range
                toRegister.add(placeholder(p));
            }
        }
        if (toRegister.isEmpty()) {
            return List.of(taken);
        }
        List<Long> ids;
        try {
            ids = index.addPendingSegments(toRegister);
        } catch (RuntimeException e) {
            putBack(taken, poolOf);
            throw e;
        } finally {
            for (int i : missing) {
                synchronized (poolOf[i]) {
                    poolOf[i].registering--;
                }
            }
        }
        int next = 0;
        for (int m = 0; m < missing.size(); m++) {
            int i = missing.get(m);
            int count = counts.get(m);
            taken[i] = new Reserved(ids.get(next), toRegister.get(next).objectKey(), now);
            List<Reserved> spares = new ArrayList<>(count - 1);
            for (int k = 1; k < count; k++) {
                spares.add(new Reserved(ids.get(next + k), toRegister.get(next + k).objectKey(), now));
            }
            addSpares(poolOf[i], spares, false);
            next += count;
        }
        return List.of(taken);
    }

    /** A pending segment of {@code p} as registered ahead: the commit sets its size, count and time range. */
    private NewSegment placeholder(LayoutPartition p) {
        return new NewSegment(p.newSegmentKey(format), p.stream(), p.type(), 0, 0, p.hour(), p.hour());
    }

    /** With no time to keep segments reserved (a grace period of less than 10 ms): one each, as needed. */
    private List<Reserved> registerOneEach(List<LayoutPartition> partitions) {
        long now = clock.millis();
        List<NewSegment> toRegister = new ArrayList<>(partitions.size());
        for (LayoutPartition p : partitions) {
            toRegister.add(placeholder(p));
        }
        List<Long> ids = index.addPendingSegments(toRegister);
        List<Reserved> taken = new ArrayList<>(ids.size());
        for (int i = 0; i < ids.size(); i++) {
            taken.add(new Reserved(ids.get(i), toRegister.get(i).objectKey(), now));
        }
        return taken;
    }

    /** The reserved segments a failed {@link #take} had taken, back to the front of their pools. */
    private void putBack(Reserved[] taken, Pool[] poolOf) {
        for (int i = 0; i < taken.length; i++) {
            if (taken[i] != null) {
                addSpares(poolOf[i], List.of(taken[i]), true);
            }
        }
    }

    /**
     * Spares into their pool: fresh ones at its end, put-back ones at its front (they are at
     * least as old as any there). After {@link #close}, or into a pool the sweep dropped, they are
     * forgotten instead.
     */
    private void addSpares(Pool pool, List<Reserved> spares, boolean putBack) {
        if (spares.isEmpty()) {
            return;
        }
        boolean forgetNow = closed;
        synchronized (pool) {
            if (pool.removed || forgetNow) {
                spares.forEach(r -> toForget.add(r.id()));
            } else if (putBack) {
                spares.forEach(pool.free::addFirst);
            } else {
                pool.free.addAll(spares);
            }
        }
        if (forgetNow) {
            forgetUnusedQuietly();
        } else {
            startSweeper();
        }
    }

    private synchronized void startSweeper() {
        if (sweeper != null || closed || maxAgeMillis <= 0) {
            return;
        }
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stowage-segment-reservations");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(this::sweepQuietly, maxAgeMillis, maxAgeMillis, TimeUnit.MILLISECONDS);
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            log.debug("Could not forget unused reserved segments; the next sweep, or the cleaner after its grace"
                    + " period, will: {}", e.getMessage());
        }
    }

    /**
     * Forgets the reserved segments that aged unused (a partition of an hour now past, or one
     * written less often than it was), in the index too, so that the cleaner does not take them
     * for abandoned writes; and drops the pools left with nothing. No write can be using them:
     * none was taken. Runs every {@code maxAge} (and when the tests call it).
     */
    void sweep() {
        long now = clock.millis();
        pools.forEach((partition, pool) -> {
            synchronized (pool) {
                pool.dropStale(now, maxAgeMillis, toForget);
                if (pool.free.isEmpty() && pool.registering == 0 && now - pool.lastReservedAt >= maxAgeMillis) {
                    pool.removed = true;
                    pools.remove(partition, pool);
                }
            }
        });
        forget(drainToForget());
    }

    private List<Long> drainToForget() {
        List<Long> ids = new ArrayList<>();
        for (Long id; (id = toForget.poll()) != null; ) {
            ids.add(id);
        }
        return ids;
    }

    private void forget(List<Long> ids) {
        if (ids.isEmpty()) {
            return;
        }
        try {
            index.removeSegments(ids);
        } catch (RuntimeException e) {
            toForget.addAll(ids); // for the next sweep
            throw e;
        }
    }

    /** Pending segments reserved and not taken, for the tests. */
    int spares() {
        int n = 0;
        for (Pool pool : pools.values()) {
            synchronized (pool) {
                n += pool.free.size();
            }
        }
        return n;
    }

    /** Forgets the reserved segments no write took, so that they wait for no cleaner. */
    @Override
    public void close() {
        ScheduledExecutorService running;
        synchronized (this) {
            closed = true;
            running = sweeper;
        }
        if (running != null) {
            running.shutdown(); // a sweep under way finishes, so that what it could not forget is seen below
        }
        // at most a few seconds: a shutdown must not wait for a database that is gone (the embedded
        // one can be stopped by the same Ctrl-C); what is not forgotten then, the cleaner retires
        Thread forgetting = new Thread(() -> {
            try {
                if (running != null) {
                    running.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                }
                forgetUnusedQuietly();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "stowage-segment-reservations-close");
        forgetting.setDaemon(true);
        forgetting.start();
        try {
            forgetting.join(CLOSE_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (forgetting.isAlive()) {
            gaveUp = true;
            log.warn("The index did not forget the pending segments reserved for writes that did not come within {}"
                    + " s; the cleaner retires them after its grace period", CLOSE_WAIT.toSeconds());
        }
    }

    /** Forgets every reserved segment not taken: those in the pools and those no pool holds. */
    private void forgetUnusedQuietly() {
        List<Long> unused = drainToForget();
        for (Pool pool : pools.values()) {
            synchronized (pool) {
                pool.free.forEach(r -> unused.add(r.id()));
                pool.free.clear();
            }
        }
        try {
            forget(unused);
        } catch (RuntimeException e) {
            toForget.clear(); // closing: no sweep will come, and the cleaner will see to them
            if (!gaveUp) { // else close said so already
                log.warn("Could not forget {} pending segments reserved for writes that did not come; the cleaner"
                        + " retires them after its grace period: {}", unused.size(), e.getMessage());
            }
        }
    }

    /** A partition's reserved segments, oldest first, and its last reservation. */
    private static final class Pool {
        final ArrayDeque<Reserved> free = new ArrayDeque<>();
        int lastCount;
        long lastReservedAt;
        /** Registrations for this partition under way. */
        int registering;
        /** Taken out of the map by a sweep: a write that still holds it uses its successor. */
        boolean removed;

        /** The oldest reserved segment still young enough, or null; those too old go to {@code toForget}. */
        Reserved poll(long now, long maxAgeMillis, Queue<Long> toForget) {
            dropStale(now, maxAgeMillis, toForget);
            return free.pollFirst();
        }

        /** Moves the reserved segments too old to use to {@code toForget}, wherever they are in the queue. */
        void dropStale(long now, long maxAgeMillis, Queue<Long> toForget) {
            free.removeIf(r -> {
                boolean old = now - r.reservedAtMillis() >= maxAgeMillis;
                if (old) {
                    toForget.add(r.id());
                }
                return old;
            });
        }

        /**
         * How many to register now that the pool is dry: twice as many as last time when those were
         * all taken while still young, else one (a partition written now and then wastes none).
         * While another registration for it is under way, one: writers that find the pool dry at
         * once would otherwise each double the count.
         */
        int nextReservation(long now, long maxAgeMillis) {
            registering++;
            if (registering > 1) {
                return 1;
            }
            boolean usedUpYoung = lastCount > 0 && now - lastReservedAt < maxAgeMillis;
            lastCount = usedUpYoung ? Math.min(MOST_AT_ONCE, lastCount * 2) : 1;
            lastReservedAt = now;
            return lastCount;
        }
    }
}
