package io.stowage.cli;

import io.stowage.api.v1.GroupCapture;
import io.stowage.client.StowageClient;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * One restore on the target cluster: its checkpoints (one file per partition, plus the groups
 * already moved), the topics it writes, the partitions it runs in parallel and the groups it moves.
 */
final class RestoreRun {
    private final StowageClient client;
    private final Admin admin;
    private final String bootstrap;
    private final String clusterId;
    private final RestorePlan plan;
    private final Path dir;
    private final Output out;
    private final Properties kafka;
    private final Map<TopicPartition, RestoreCheckpoint> checkpoints = new LinkedHashMap<>();

    /** What the records part did: per partition, and whether every partition is complete. */
    record Outcome(List<PartitionRestore.Result> partitions, double seconds, boolean interrupted, boolean complete) {}

    RestoreRun(StowageClient client, Admin admin, Properties kafka, String clusterId, RestorePlan plan, Path dir,
            Output out) throws IOException {
        this.client = client;
        this.admin = admin;
        this.kafka = kafka;
        this.bootstrap = kafka.getProperty("bootstrap.servers");
        this.clusterId = clusterId;
        this.plan = plan;
        this.dir = dir;
        this.out = out;
        for (RestorePlan.TopicPlan t : plan.topics()) {
            for (int p : t.records().keySet()) {
                RestoreCheckpoint.load(file(t.topic(), p), identity(t, p))
                        .ifPresent(c -> checkpoints.put(new TopicPartition(t.topic(), p), c));
            }
        }
    }

    /** Deletes this restore's checkpoints (--restart). */
    void forgetCheckpoints() throws IOException {
        for (RestorePlan.TopicPlan t : plan.topics()) {
            for (int p : t.records().keySet()) {
                Files.deleteIfExists(file(t.topic(), p));
            }
        }
        Files.deleteIfExists(dir.resolve("groups-" + clusterId + ".done"));
        checkpoints.clear();
    }

    /** Why records must not go into this topic (it holds records and this restore did not write them), or null. */
    String refusal(RestorePlan.TopicPlan t) throws Exception {
        boolean ours = t.records().keySet().stream().anyMatch(p -> checkpoints.containsKey(new TopicPartition(t.topic(), p)));
        long held = target(t).records();
        if (held == 0 || ours) {
            return null;
        }
        return String.format("%s already holds %,d records; restoring would add %,d archived records after them.",
                target(t).describe(), held, t.totalRecords());
    }

    /** Creates a missing topic in the captured shape, and makes sure Kafka keeps the restored records. */
    void create(RestorePlan.TopicPlan t, NewTopic shape) throws Exception {
        TargetTopic target = target(t);
        boolean created = target.ensure(shape, true);
        if (t.oldestMillis() < Long.MAX_VALUE) {
            target.keepRecordsSince(t.oldestMillis(), created && !t.configs().containsKey("retention.ms"));
        }
    }

    /** Whether a partition of the plan is already complete. */
    boolean complete(String topic, int partition) {
        RestoreCheckpoint c = checkpoints.get(new TopicPartition(topic, partition));
        return c != null && c.complete();
    }

    /** Restores every partition not yet complete, {@code parallel} at once; stops cleanly on Ctrl-C or SIGTERM. */
    Outcome records(int parallel, long limit) throws Exception {
        Map<String, Long> left = new LinkedHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(parallel, r -> new Thread(r, "stowage-restore"));
        CountDownLatch finished = new CountDownLatch(1);
        Shutdown.onStop("stowage-restore-stop", () -> {
            stop.set(true);
            try {
                finished.await(60, TimeUnit.SECONDS); // let every partition save its checkpoint
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                ArchivedRecords.producerProperties(kafka, "stowage-restore"), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            Map<TopicPartition, Long> ends = endOffsets();
            record Todo(String stream, String topic, int partition, RestoreCheckpoint from, long inTarget) {}
            List<Todo> todo = new ArrayList<>(); // in plan order
            for (RestorePlan.TopicPlan t : plan.topics()) {
                long topicLeft = 0;
                for (Map.Entry<Integer, Long> e : t.records().entrySet()) {
                    TopicPartition tp = new TopicPartition(t.topic(), e.getKey());
                    RestoreCheckpoint c = checkpoints.get(tp);
                    long inTarget = 0;
                    if (c == null) {
                        c = new RestoreCheckpoint(identity(t, e.getKey()), "", 0, ends.getOrDefault(tp, 0L), false);
                        c.save(file(t.topic(), e.getKey())); // before any record: a crash now resumes with the right start
                        checkpoints.put(tp, c);
                    } else {
                        // restored records sit at consecutive offsets from start: what the target holds past
                        // the checkpoint was sent by a run killed before it saved, and is not sent again
                        inTarget = Math.max(0, ends.getOrDefault(tp, c.start()) - c.start() - c.restored());
                    }
                    if (!c.complete()) {
                        topicLeft += Math.max(0, e.getValue() - c.restored() - inTarget);
                        todo.add(new Todo(t.stream(), t.topic(), e.getKey(), c, inTarget));
                    }
                }
                left.put(t.topic(), topicLeft);
            }
            RestoreProgress progress = new RestoreProgress(left, out.json);
            PartitionRestore.Shared shared = new PartitionRestore.Shared(client, producer, progress, stop,
                    new AtomicLong(limit > 0 ? limit : Long.MAX_VALUE), plan.until());
            List<Future<PartitionRestore.Result>> futures = new ArrayList<>();
            for (Todo p : todo) {
                futures.add(pool.submit(new PartitionRestore(shared, p.stream(), p.topic(), p.partition(),
                        file(p.topic(), p.partition()), p.from(), p.inTarget())));
            }
            List<PartitionRestore.Result> results = new ArrayList<>();
            Exception failure = null;
            for (Future<PartitionRestore.Result> f : futures) {
                try {
                    PartitionRestore.Result r = f.get();
                    results.add(r);
                    checkpoints.put(new TopicPartition(r.topic(), r.partition()), r.checkpoint());
                } catch (ExecutionException e) {
                    stop.set(true); // the others stop at their next record and keep their checkpoints
                    if (failure == null) {
                        failure = e.getCause() instanceof Exception cause ? cause : e;
                    }
                }
            }
            progress.close();
            if (failure != null) {
                throw failure;
            }
            boolean complete = checkpoints.values().stream().allMatch(RestoreCheckpoint::complete);
            return new Outcome(results, progress.seconds(), stop.get(), complete);
        } finally {
            pool.shutdownNow();
            finished.countDown();
        }
    }

    /** Moves a captured group to the restored topics, once per restore: run again, it leaves moved groups alone. */
    GroupTranslator.Outcome moveGroup(GroupCapture group) throws Exception {
        Path done = dir.resolve("groups-" + clusterId + ".done");
        Properties moved = new Properties();
        if (Files.exists(done)) {
            try (Reader r = Files.newBufferedReader(done)) {
                moved.load(r);
            }
        }
        if (moved.containsKey(group.getGroup())) {
            return new GroupTranslator.Outcome(group.getGroup(), List.of(), null);
        }
        GroupTranslator.Outcome outcome = translator().apply(group);
        if (outcome.refused() == null) {
            moved.setProperty(group.getGroup(), "moved");
            CheckpointFile.writeAtomically(done, moved, "consumer groups this restore moved");
        }
        return outcome;
    }

    /** The translator: a restored partition starts where its checkpoint says, an empty one at its end offset now. */
    GroupTranslator translator() throws Exception {
        Map<TopicPartition, Long> ends = endOffsets();
        return new GroupTranslator(admin, plan, tp -> Optional.ofNullable(checkpoints.get(tp))
                .map(RestoreCheckpoint::start).orElse(ends.getOrDefault(tp, 0L)));
    }

    /** The end offset of every partition of the plan's topics that exist on the target now. */
    private Map<TopicPartition, Long> endOffsets() throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (RestorePlan.TopicPlan t : plan.topics()) {
            target(t).description().ifPresent(d -> d.partitions().forEach(p ->
                    latest.put(new TopicPartition(t.topic(), p.partition()), OffsetSpec.latest())));
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        if (!latest.isEmpty()) {
            TargetTopic.get(admin.listOffsets(latest).all()).forEach((tp, info) -> ends.put(tp, info.offset()));
        }
        return ends;
    }

    TargetTopic target(RestorePlan.TopicPlan t) {
        return TargetTopic.on(admin, bootstrap, clusterId, t.topic());
    }

    private String identity(RestorePlan.TopicPlan t, int partition) {
        return t.stream() + "/" + partition + " -> " + t.topic() + "/" + partition + "@" + clusterId + " until="
                + (plan.until() == null ? "end" : plan.until().toString());
    }

    private Path file(String topic, int partition) {
        return dir.resolve(topic.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + partition + ".checkpoint");
    }
}
