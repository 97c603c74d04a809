package io.stowage.server.storage.index.memory;

import io.stowage.server.storage.error.StorageException;
import io.stowage.server.storage.index.NewSegment;
import io.stowage.server.storage.index.SegmentRef;
import io.stowage.server.storage.index.memory.Segment.State;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/** The segment rows of the in-memory index, by id; guarded by the index's monitor. */
final class SegmentTable {
    private final TreeMap<Long, Segment> byId = new TreeMap<>();
    private long nextId = 1;

    /** Registers pending segments; none when one of their keys is taken (the key is unique, as in PostgreSQL). */
    List<Long> addPending(List<NewSegment> added, Instant now) {
        Set<String> keys = new HashSet<>();
        byId.values().forEach(s -> keys.add(s.objectKey));
        for (NewSegment s : added) {
            if (!keys.add(s.objectKey())) {
                throw new StorageException("index query failed (register pending segments): object key "
                        + s.objectKey() + " is already registered", null);
            }
        }
        List<Long> ids = new ArrayList<>(added.size());
        for (NewSegment s : added) {
            long id = nextId++;
            byId.put(id, new Segment(id, s, now));
            ids.add(id);
        }
        return ids;
    }

    Segment get(long id) {
        return byId.get(id);
    }

    boolean contains(long id) {
        return byId.containsKey(id);
    }

    boolean isIn(long id, State state) {
        Segment s = byId.get(id);
        return s != null && s.is(state);
    }

    /** The segments that match, in id order, after {@code afterId}, at most {@code limit}. */
    List<SegmentRef> select(Predicate<Segment> filter, long afterId, long limit) {
        return byId.tailMap(afterId, false).values().stream().filter(filter).limit(limit).map(Segment::ref).toList();
    }

    /** As PostgreSQL selects them: small committed segments of closed folders holding more than one, by key. */
    List<SegmentRef> mergeable(Instant closedBefore, long smallerThan, String afterKey, int limit) {
        Map<String, List<Segment>> byFolder = new HashMap<>();
        for (Segment s : byId.values()) {
            if (s.is(State.COMMITTED) && s.liveCount > 0 && s.sizeBytes < smallerThan
                    && s.maxTime.isBefore(closedBefore)) {
                byFolder.computeIfAbsent(s.objectKey.substring(0, s.objectKey.lastIndexOf('/') + 1),
                        k -> new ArrayList<>()).add(s);
            }
        }
        Comparator<String> bytewise = Comparator.comparing(k -> k.getBytes(StandardCharsets.UTF_8),
                Arrays::compareUnsigned);
        return byFolder.values().stream().filter(f -> f.size() > 1).flatMap(List::stream)
                .filter(s -> bytewise.compare(s.objectKey, afterKey) > 0)
                .sorted(Comparator.comparing(s -> s.objectKey, bytewise)).limit(limit).map(Segment::ref).toList();
    }

    /**
     * The committed segments of {@code stream} with a live message that end before {@code cutoff},
     * those that end first, about {@code limit} messages' worth.
     */
    List<Segment> wholeBefore(String stream, Instant cutoff, int limit) {
        List<Segment> ending = byId.values().stream()
                .filter(s -> s.is(State.COMMITTED) && s.stream.equals(stream) && s.liveCount > 0)
                .filter(s -> s.maxTime.isBefore(cutoff))
                .sorted(Comparator.comparing((Segment s) -> s.maxTime).thenComparingLong(s -> s.id)).toList();
        List<Segment> taken = new ArrayList<>();
        long messages = 0;
        for (Segment s : ending) {
            if (messages >= limit) {
                break;
            }
            taken.add(s);
            messages += s.liveCount;
        }
        return taken;
    }

    List<Segment> committedOf(String stream) {
        return byId.values().stream().filter(s -> s.stream.equals(stream) && s.is(State.COMMITTED)).toList();
    }

    List<SegmentRef> retirePendingBefore(Instant cutoff) {
        List<SegmentRef> retired = new ArrayList<>();
        for (Segment s : byId.values()) {
            if (s.is(State.PENDING) && s.createdAt.isBefore(cutoff)) {
                s.state = State.RETIRED;
                retired.add(s.ref());
            }
        }
        return retired;
    }

    Set<String> knownKeys(Collection<String> keys) {
        Set<String> wanted = new HashSet<>(keys);
        Set<String> known = new HashSet<>();
        for (Segment s : byId.values()) {
            if (wanted.contains(s.objectKey)) {
                known.add(s.objectKey);
            }
        }
        return known;
    }

    long committedLiveCount() {
        return byId.values().stream().filter(s -> s.is(State.COMMITTED)).mapToLong(s -> s.liveCount).sum();
    }

    /** Forgets a segment unless it holds live messages. */
    void removeUnlessLive(long id) {
        Segment s = byId.get(id);
        if (s != null && (s.is(State.RETIRED) || s.liveCount == 0)) {
            byId.remove(id);
        }
    }
}
