package io.stowage.cli;

import io.stowage.api.v1.CountProbe;
import io.stowage.api.v1.CountRequest;
import io.stowage.api.v1.CountResponse;
import io.stowage.api.v1.GetCaptureResponse;
import io.stowage.api.v1.GroupCapture;
import io.stowage.api.v1.PartitionCount;
import io.stowage.api.v1.ScanOrder;
import io.stowage.api.v1.ScanRequest;
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

/**
 * What a restore will do, worked out before anything is written: which archived streams, into
 * which topics with which shape (from the latest capture at or before --until, else from the
 * archive), how many records of each partition, and which captured consumer groups follow.
 */
record RestorePlan(Instant until, List<TopicPlan> topics, List<GroupCapture> groups, boolean captured) {
    /** Committed offsets asked about in one Count; the server takes up to 100,000. */
    static final int PROBES_PER_COUNT = 10_000;

    /** One topic: where it comes from, where it goes, its shape, and the records of each partition. */
    record TopicPlan(String stream, String topic, int partitions, int replication, Map<String, String> configs,
            boolean fromCapture, TreeMap<Integer, Long> records, TreeMap<Integer, Long> bytes, long oldestMillis,
            Map<Integer, TreeMap<Long, Long>> below) {
        /**
         * How many records of a partition up to --until have an original offset below {@code offset},
         * for an offset some captured group committed (counted during the census, by the server).
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
     * Counts each partition's records up to --until, and for each offset in {@code committed} the
     * records below it: the server counts them from its index (Count), no id travels.
     */
    private static TopicPlan census(StowageClient client, String stream, String topic, Instant until,
            TopicCapture shape, Map<Integer, TreeSet<Long>> committed) {
        TreeMap<Integer, Long> records = new TreeMap<>();
        TreeMap<Integer, Long> bytes = new TreeMap<>();
        Map<Integer, TreeMap<Long, Long>> below = new HashMap<>();
        long oldest = Long.MAX_VALUE;
        List<CountProbe> probes = new ArrayList<>();
        committed.forEach((p, offsets) -> {
            below.put(p, new TreeMap<>());
            offsets.forEach(o -> probes.add(CountProbe.newBuilder().setKafkaPartition(p).setBelowOffset(o).build()));
        });
        // one call counts; more only when the groups committed more offsets than one request takes
        int chunks = Math.max(1, (probes.size() + PROBES_PER_COUNT - 1) / PROBES_PER_COUNT);
        for (int chunk = 0; chunk < chunks; chunk++) {
            List<CountProbe> part = probes.subList(chunk * PROBES_PER_COUNT,
                    Math.min(probes.size(), (chunk + 1) * PROBES_PER_COUNT));
            CountRequest.Builder req = CountRequest.newBuilder().setStream(stream).addAllProbes(part);
            if (until != null) {
                req.setTo(Timestamps.fromInstant(until.plusNanos(1)));
            }
            CountResponse rsp = client.count(req.build());
            for (int i = 0; i < part.size(); i++) {
                below.get(part.get(i).getKafkaPartition()).put(part.get(i).getBelowOffset(), rsp.getProbes(i));
            }
            if (chunk == 0) {
                for (PartitionCount c : rsp.getPartitionsList()) {
                    records.put(c.getKafkaPartition(), c.getMessages());
                    bytes.put(c.getKafkaPartition(), c.getBytes());
                    oldest = Math.min(oldest, Timestamps.toInstant(c.getOldestTime()).toEpochMilli());
                }
            }
        }
        int archived = records.isEmpty() ? 0 : records.lastKey() + 1;
        if (shape == null) {
            return new TopicPlan(stream, topic, archived, 0, Map.of(), false, records, bytes, oldest, below);
        }
        return new TopicPlan(stream, topic, Math.max(archived, shape.getPartitions()), shape.getReplicationFactor(),
                new TreeMap<>(shape.getConfigsMap()), true, records, bytes, oldest, below);
    }

    long totalRecords() {
        return topics.stream().mapToLong(TopicPlan::totalRecords).sum();
    }

    long totalBytes() {
        return topics.stream().mapToLong(TopicPlan::totalBytes).sum();
    }
}
