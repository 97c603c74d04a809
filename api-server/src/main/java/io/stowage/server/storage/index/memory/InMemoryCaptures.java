package io.stowage.server.storage.index.memory;

import io.stowage.server.storage.index.Capture;
import io.stowage.server.storage.index.CaptureStore;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/** The captures in memory, with the semantics of the PostgreSQL adapter: by name, then by time seen. */
final class InMemoryCaptures implements CaptureStore {
    private final Map<String, TreeMap<Instant, Capture.Topic>> topics = new TreeMap<>();
    private final Map<String, TreeMap<Instant, Capture.Group>> groups = new TreeMap<>();

    @Override
    public synchronized void put(Capture capture) {
        for (Capture.Topic t : capture.topics()) {
            Instant seen = micros(t.seenAt());
            topics.computeIfAbsent(t.name(), n -> new TreeMap<>()).put(seen,
                    new Capture.Topic(t.clusterId(), t.name(), t.partitions(), t.replicationFactor(), t.configs(), seen));
        }
        for (Capture.Group g : capture.groups()) {
            Instant seen = micros(g.seenAt());
            groups.computeIfAbsent(g.name(), n -> new TreeMap<>()).put(seen,
                    new Capture.Group(g.clusterId(), g.name(), g.offsets(), seen));
        }
    }

    @Override
    public synchronized Capture latest(Optional<Instant> at) {
        // a group whose latest capture has no offsets was gone (deleted, or its offsets expired) by then
        return new Capture(latestOf(topics, at),
                latestOf(groups, at).stream().filter(g -> !g.offsets().isEmpty()).toList());
    }

    @Override
    public synchronized List<String> topics() {
        return List.copyOf(topics.keySet());
    }

    @Override
    public synchronized int expireTopic(String topic, Instant cutoff) {
        TreeMap<Instant, Capture.Topic> seen = topics.get(topic);
        return seen == null ? 0 : expire(seen, micros(cutoff));
    }

    @Override
    public synchronized int expireGroups(Instant cutoff) {
        int removed = 0;
        for (TreeMap<Instant, Capture.Group> seen : groups.values()) {
            removed += expire(seen, micros(cutoff));
            // a group gone before the cut has no state to keep for any time after it
            Map.Entry<Instant, Capture.Group> kept = seen.lowerEntry(micros(cutoff));
            if (kept != null && kept.getValue().offsets().isEmpty()) {
                seen.remove(kept.getKey());
                removed++;
            }
        }
        groups.values().removeIf(Map::isEmpty);
        return removed;
    }

    @Override
    public synchronized int thinGroups(Instant hourlyBefore, Instant dailyBefore) {
        int removed = 0;
        for (TreeMap<Instant, Capture.Group> seen : groups.values()) {
            removed += thin(seen, micros(hourlyBefore), ChronoUnit.HOURS);
            removed += thin(seen, micros(dailyBefore), ChronoUnit.DAYS);
        }
        return removed;
    }

    @Override
    public synchronized int dropRepeatedTopics(Instant before) {
        int removed = 0;
        for (TreeMap<Instant, Capture.Topic> seen : topics.values()) {
            Capture.Topic previous = null;
            Iterator<Capture.Topic> older = seen.headMap(micros(before), false).values().iterator();
            while (older.hasNext()) {
                Capture.Topic t = older.next();
                if (previous != null && sameState(previous, t)) {
                    older.remove();
                    removed++;
                } else {
                    previous = t;
                }
            }
        }
        return removed;
    }

    private static boolean sameState(Capture.Topic a, Capture.Topic b) {
        return a.clusterId().equals(b.clusterId()) && a.partitions() == b.partitions()
                && a.replicationFactor() == b.replicationFactor() && a.configs().equals(b.configs());
    }

    /** Removes the entries before {@code before} that are followed by another in the same hour or day. */
    private static int thin(TreeMap<Instant, ?> seen, Instant before, ChronoUnit bucket) {
        int removed = 0;
        Iterator<Instant> older = seen.headMap(before, false).keySet().iterator();
        while (older.hasNext()) {
            Instant t = older.next();
            Instant next = seen.higherKey(t);
            if (next != null && next.truncatedTo(bucket).equals(t.truncatedTo(bucket))) {
                older.remove();
                removed++;
            }
        }
        return removed;
    }

    private static <T> List<T> latestOf(Map<String, TreeMap<Instant, T>> byName, Optional<Instant> at) {
        Function<TreeMap<Instant, T>, Map.Entry<Instant, T>> pick = at
                .<Function<TreeMap<Instant, T>, Map.Entry<Instant, T>>>map(t -> m -> m.floorEntry(micros(t)))
                .orElse(TreeMap::lastEntry);
        List<T> result = new ArrayList<>();
        for (TreeMap<Instant, T> seen : byName.values()) {
            Map.Entry<Instant, T> e = pick.apply(seen);
            if (e != null) {
                result.add(e.getValue());
            }
        }
        return result;
    }

    /** Removes the entries before {@code cutoff} but the latest of them. */
    private static int expire(TreeMap<Instant, ?> seen, Instant cutoff) {
        Instant keep = seen.lowerKey(cutoff);
        if (keep == null) {
            return 0;
        }
        Map<Instant, ?> older = seen.headMap(keep, false);
        int removed = older.size();
        older.clear();
        return removed;
    }

    private static Instant micros(Instant t) {
        return t.truncatedTo(ChronoUnit.MICROS);
    }
}
