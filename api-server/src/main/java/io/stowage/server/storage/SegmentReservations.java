package io.stowage.server.storage;

import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.storage.index.NewSegment;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pending segments registered ahead of the writes that use them, per layout partition: the crash
 * marker of a segment (its pending row, durable before its object is written) without a durable
 * round trip of its own for every PutBatch. A partition that keeps being written gets more at a
 * time (1, 2, 4, ... up to {@link #MOST_AT_ONCE}), one seen once gets one, as before.
 *
 * <p>A reserved segment is used only while it is younger than {@code maxAge}, a small part of the
 * cleaner's grace period for pending segments: its write then has nearly the whole grace period
 * to commit, as a segment registered by its own write had. Those that age unused are forgotten
 * (their rows deleted) with the next registration, and those left at shutdown by {@link #close}.
 * After a crash they stay pending, and the cleaner retires them after the grace period as it does
 * an interrupted write's (deleting an object that was never written succeeds).
 */
final class SegmentReservations implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SegmentReservations.class);
    /** The most pending segments one reservation registers for a partition. */
    static final int MOST_AT_ONCE = 32;

    private final MessageIndex index;
    private final SegmentFormat format;
    private final long maxAgeMillis;
    /** The write path's clock, which is also the one the cleaner's grace period goes by. */
    private final Clock clock;
    private final Map<LayoutPartition, Pool> pools = new ConcurrentHashMap<>();

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
     * next writes of those partitions).
     */
    List<Reserved> take(List<LayoutPartition> partitions) {
        Reserved[] taken = new Reserved[partitions.size()];
        Pool[] poolOf = new Pool[partitions.size()];
        List<Integer> missing = new ArrayList<>();
        List<NewSegment> toRegister = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        long now = clock.millis();
        for (int i = 0; i < partitions.size(); i++) {
            LayoutPartition p = partitions.get(i);
            Pool pool = pools.computeIfAbsent(p, k -> new Pool());
            poolOf[i] = pool;
            int more;
            synchronized (pool) {
                taken[i] = pool.poll(now, maxAgeMillis);
                if (taken[i] != null) {
                    continue;
                }
                more = pool.nextReservation(now, maxAgeMillis);
            }
            missing.add(i);
            counts.add(more);
            for (int k = 0; k < more; k++) {
                // placeholders: the commit sets the object's size, count and time range
                toRegister.add(new NewSegment(p.newSegmentKey(format), p.stream(), p.type(), 0, 0, p.hour(),
                        p.hour()));
            }
        }
        if (toRegister.isEmpty()) {
            return List.of(taken);
        }
        forgetStale(now);
        List<Long> ids = index.addPendingSegments(toRegister);
        long reservedAt = clock.millis();
        int next = 0;
        for (int m = 0; m < missing.size(); m++) {
            int i = missing.get(m);
            int count = counts.get(m);
            taken[i] = new Reserved(ids.get(next), toRegister.get(next).objectKey(), reservedAt);
            Pool pool = poolOf[i];
            synchronized (pool) {
                for (int k = 1; k < count; k++) {
                    pool.free.add(new Reserved(ids.get(next + k), toRegister.get(next + k).objectKey(), reservedAt));
                }
            }
            next += count;
        }
        return List.of(taken);
    }

    /**
     * Forgets the reserved segments that aged unused (a partition of an hour now past, or one
     * written less often than it was), in the index too, so that the cleaner does not count them
     * as abandoned writes; and the pools left with nothing. Runs when segments are registered,
     * which costs a round trip anyway, so it takes a second only when there is something stale. No
     * write can be using them: they were never taken.
     */
    private void forgetStale(long now) {
        List<Long> stale = new ArrayList<>();
        pools.entrySet().removeIf(e -> {
            Pool pool = e.getValue();
            synchronized (pool) {
                pool.dropStale(now, maxAgeMillis);
                stale.addAll(pool.stale);
                pool.stale.clear();
                return pool.free.isEmpty() && now - pool.lastReservedAt >= maxAgeMillis;
            }
        });
        if (stale.isEmpty()) {
            return;
        }
        try {
            index.removeSegments(stale);
        } catch (RuntimeException e) {
            log.debug("Could not forget {} unused reserved segments; the cleaner retires them after its grace"
                    + " period: {}", stale.size(), e.getMessage());
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
        List<Long> unused = new ArrayList<>();
        for (Pool pool : pools.values()) {
            synchronized (pool) {
                pool.free.forEach(r -> unused.add(r.id()));
                pool.free.clear();
            }
        }
        if (unused.isEmpty()) {
            return;
        }
        try {
            index.removeSegments(unused);
        } catch (RuntimeException e) {
            log.warn("Could not forget {} pending segments reserved for writes that did not come; the cleaner"
                    + " retires them after its grace period: {}", unused.size(), e.getMessage());
        }
    }

    /** A partition's reserved segments, oldest first, and its last reservation. */
    private static final class Pool {
        final ArrayDeque<Reserved> free = new ArrayDeque<>();
        /** Reserved segments found too old to use, to forget at the next registration. */
        final List<Long> stale = new ArrayList<>();
        int lastCount;
        long lastReservedAt;

        /** The oldest reserved segment still young enough, or null. */
        Reserved poll(long now, long maxAgeMillis) {
            dropStale(now, maxAgeMillis);
            return free.pollFirst();
        }

        /** Moves the reserved segments too old to use to {@link #stale}. */
        void dropStale(long now, long maxAgeMillis) {
            while (!free.isEmpty() && now - free.peekFirst().reservedAtMillis() >= maxAgeMillis) {
                stale.add(free.pollFirst().id());
            }
        }

        /**
         * How many to register now that the pool is dry: twice as many as last time when those were
         * all taken while still young, else one (a partition written now and then wastes none).
         */
        int nextReservation(long now, long maxAgeMillis) {
            boolean usedUpYoung = lastCount > 0 && now - lastReservedAt < maxAgeMillis;
            lastCount = usedUpYoung ? Math.min(MOST_AT_ONCE, lastCount * 2) : 1;
            lastReservedAt = now;
            return lastCount;
        }
    }
}
