package io.stowage.cli;

import io.stowage.api.v1.GetCaptureResponse;
import io.stowage.api.v1.GroupCapture;
import io.stowage.api.v1.ScanOrder;
import io.stowage.api.v1.ScanRequest;
import io.stowage.api.v1.ScanResult;
import io.stowage.api.v1.StreamStatus;
import io.stowage.api.v1.TopicCapture;
import io.stowage.client.StowageClient;
import io.stowage.common.message.Timestamps;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a restore will do, worked out before anything is written: which archived streams, into
 * which topics with which shape (from the latest capture at or before --until, else from the
 * archive), how many records of each partition, and which captured consumer groups follow.
 */
record RestorePlan(Instant until, List<TopicPlan> topics, List<GroupCapture> groups, boolean captured) {

    /** One topic: where it comes from, where it goes, its shape, and the records of each partition. */
    record TopicPlan(String stream, String topic, int partitions, int replication, Map<String, String> configs,
            boolean fromCapture, TreeMap<Integer, Long> records, TreeMap<Integer, Long> bytes, long oldestMillis,
            Map<Integer, TreeMap<Long, Long>> below) {
        /**
         * How many records of a partition up to --until have an original offset below {@code offset},
         * for an offset some captured group committed (counted during the census, which reads every id).
         */
        long recordsBelow(int partition, long offset) {
            Long n = below.getOrDefault(partition, new TreeMap<>()).get(offset);
            if (n == null) {
                throw new IllegalStateException("offset " + offset + " of " + stream + "-" + partition
                        + " was not counted");
            }
            return n;
        }

        long totalRecords() {
            return records.values().stream().mapToLong(Long::longValue).sum();
        }

        long totalBytes() {
            return bytes.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    /** The plan; the streams are counted {@code parallel} at once (a count reads the index, which takes a while). */
    static RestorePlan make(StowageClient client, Pattern streams, UnaryOperator<String> rename, Instant until,
            GetCaptureResponse capture, Pattern groupPattern, int parallel) throws Exception {
        Map<String, TopicCapture> shapes = new LinkedHashMap<>();
        capture.getTopicsList().forEach(t -> shapes.put(t.getTopic(), t));
        List<GroupCapture> chosen = capture.getGroupsList().stream()
                .filter(g -> groupPattern.matcher(g.getGroup()).matches()).toList();
        Map<String, Map<Integer, TreeSet<Long>>> committed = new HashMap<>();
        chosen.forEach(g -> g.getOffsetsList().forEach(o -> committed.computeIfAbsent(o.getTopic(), k -> new HashMap<>())
                .computeIfAbsent(o.getPartition(), k -> new TreeSet<>()).add(o.getOffset())));
        List<Future<TopicPlan>> counts = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> {
            Thread t = new Thread(r, "stowage-restore-census");
            t.setDaemon(true);
            return t;
        });
        List<TopicPlan> topics = new ArrayList<>();
        try {
            for (StreamStatus s : client.status("").getStreamsList()) {
                if (streams.matcher(s.getStream()).matches()) {
                    counts.add(pool.submit(() -> census(client, s.getStream(), rename.apply(s.getStream()), until,
                            shapes.get(s.getStream()), committed.getOrDefault(s.getStream(), Map.of()))));
                }
            }
            for (Future<TopicPlan> f : counts) {
                TopicPlan plan;
                try {
                    plan = f.get();
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
                if (plan.totalRecords() > 0) {
                    topics.add(plan);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> restored = topics.stream().map(TopicPlan::stream).toList();
        List<GroupCapture> groups = chosen.stream()
                .filter(g -> g.getOffsetsList().stream().anyMatch(o -> restored.contains(o.getTopic())))
                .toList();
        return new RestorePlan(until, topics, groups, capture.getTopicsCount() > 0 || capture.getGroupsCount() > 0);
    }

    /** The scan of one partition up to --until (inclusive: Scan's upper bound is exclusive). */
    static ScanRequest scan(String stream, int partition, Instant until, String cursor, boolean idsOnly) {
        ScanRequest.Builder req = ScanRequest.newBuilder().setStream(stream).setOrder(ScanOrder.SCAN_ORDER_KAFKA_OFFSET)
                .setKafkaPartition(partition).setIdsOnly(idsOnly).setCursor(cursor == null ? "" : cursor);
        if (until != null) {
            req.setTo(Timestamps.fromInstant(until.plusNanos(1)));
        }
        return req.build();
    }

    /**
     * Counts each partition's records from the index alone (no object reads), and for each offset
     * in {@code committed} the records below it: ids come in offset order, so one pass does both.
     */
    private static TopicPlan census(StowageClient client, String stream, String topic, Instant until,
            TopicCapture shape, Map<Integer, TreeSet<Long>> committed) {
        TreeMap<Integer, Long> records = new TreeMap<>();
        TreeMap<Integer, Long> bytes = new TreeMap<>();
        Map<Integer, TreeMap<Long, Long>> below = new HashMap<>();
        committed.forEach((p, offsets) -> below.put(p, new TreeMap<>()));
        long[] oldest = {Long.MAX_VALUE};
        ScanRequest.Builder req = ScanRequest.newBuilder().setStream(stream).setOrder(ScanOrder.SCAN_ORDER_KAFKA_OFFSET)
                .setIdsOnly(true);
        if (until != null) {
            req.setTo(Timestamps.fromInstant(until.plusNanos(1)));
        }
        try (Stream<ScanResult> ids = client.scan(req.build())) {
            ids.forEach(r -> {
                int p = r.getKafkaPartition();
                long before = records.getOrDefault(p, 0L);
                TreeSet<Long> pending = committed.get(p);
                while (pending != null && !pending.isEmpty() && pending.first() <= r.getKafkaOffset()) {
                    below.get(p).put(pending.pollFirst(), before);
                }
                records.put(p, before + 1);
                bytes.merge(p, (long) r.getSize(), Long::sum);
                if (r.hasTime()) {
                    oldest[0] = Math.min(oldest[0], Timestamps.toInstant(r.getTime()).toEpochMilli());
                }
            });
        }
        committed.forEach((p, pending) -> pending.forEach(c -> below.get(p).put(c, records.getOrDefault(p, 0L))));
        int archived = records.isEmpty() ? 0 : records.lastKey() + 1;
        if (shape == null) {
            return new TopicPlan(stream, topic, archived, 0, Map.of(), false, records, bytes, oldest[0], below);
        }
        return new TopicPlan(stream, topic, Math.max(archived, shape.getPartitions()), shape.getReplicationFactor(),
                new TreeMap<>(shape.getConfigsMap()), true, records, bytes, oldest[0], below);
    }

    long totalRecords() {
        return topics.stream().mapToLong(TopicPlan::totalRecords).sum();
    }

    long totalBytes() {
        return topics.stream().mapToLong(TopicPlan::totalBytes).sum();
    }
}
