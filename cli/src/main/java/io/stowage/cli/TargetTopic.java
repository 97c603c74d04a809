package io.stowage.cli;

import io.stowage.common.kafka.KafkaClientProperties;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;

/**
 * The topic a replay writes to, on the cluster it writes to: which cluster that is, how many
 * records the topic already holds (so that a replay never doubles a topic by accident), and
 * creating it with enough partitions.
 */
final class TargetTopic implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 60;

    private final Admin admin;
    private final String topic;
    private final String bootstrap;
    private final String clusterId;
    private final boolean ownsAdmin;

    private TargetTopic(Admin admin, String topic, String bootstrap, String clusterId, boolean ownsAdmin) {
        this.admin = admin;
        this.topic = topic;
        this.bootstrap = bootstrap;
        this.clusterId = clusterId;
        this.ownsAdmin = ownsAdmin;
    }

    /** One of many topics a restore writes to, over the restore's own admin client (left open by close). */
    static TargetTopic on(Admin admin, String bootstrap, String clusterId, String topic) {
        return new TargetTopic(admin, topic, bootstrap, clusterId, false);
    }

    static TargetTopic open(Properties kafka, String topic) throws Exception {
        Admin admin = Admin.create(KafkaClientProperties.only(kafka, AdminClientConfig.configNames()));
        try {
            String clusterId = get(admin.describeCluster().clusterId());
            return new TargetTopic(admin, topic, kafka.getProperty("bootstrap.servers"), clusterId, true);
        } catch (Exception e) {
            admin.close();
            throw e;
        }
    }

    String name() {
        return topic;
    }

    String clusterId() {
        return clusterId;
    }

    /** "topic T on B (cluster C)", for messages. */
    String describe() {
        return "topic " + topic + " on " + bootstrap + " (cluster " + clusterId + ")";
    }

    /** The topic's partitions, if it exists. */
    Optional<TopicDescription> description() throws Exception {
        if (!get(admin.listTopics().names()).contains(topic)) {
            return Optional.empty();
        }
        return Optional.of(get(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic));
    }

    /** Records the topic holds now: the sum over its partitions of end offset minus start offset; 0 if missing. */
    long records() throws Exception {
        Optional<TopicDescription> d = description();
        if (d.isEmpty()) {
            return 0;
        }
        Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        d.get().partitions().forEach(p -> {
            earliest.put(new TopicPartition(topic, p.partition()), OffsetSpec.earliest());
            latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
        });
        Map<TopicPartition, ListOffsetsResultInfo> start = get(admin.listOffsets(earliest).all());
        Map<TopicPartition, ListOffsetsResultInfo> end = get(admin.listOffsets(latest).all());
        return end.entrySet().stream().mapToLong(e -> e.getValue().offset() - start.get(e.getKey()).offset()).sum();
    }

    /**
     * Creates the topic with {@code partitions} partitions when missing; with {@code keepPartitions}
     * an existing topic must have that many. Returns once every partition has a leader.
     */
    boolean ensure(int partitions, boolean keepPartitions) throws Exception {
        return ensure(new NewTopic(topic, Optional.of(partitions), Optional.empty()), keepPartitions);
    }

    /**
     * Creates the topic as {@code shape} says (partitions, replication factor, configs) when
     * missing; an existing topic must have at least that many partitions when {@code keepPartitions}.
     */
    boolean ensure(NewTopic shape, boolean keepPartitions) throws Exception {
        int partitions = shape.numPartitions();
        Optional<TopicDescription> d = description();
        boolean create = d.isEmpty();
        if (create) {
            get(admin.createTopics(List.of(shape)).all());
            System.err.println("created topic " + topic + " with " + partitions + " partitions"
                    + (shape.replicationFactor() > 0 ? ", replication factor " + shape.replicationFactor() : "")
                    + (shape.configs() == null || shape.configs().isEmpty() ? "" : ", configs " + shape.configs()));
        } else if (keepPartitions && d.get().partitions().size() < partitions) {
            throw new InvalidInputException("topic " + topic + " has " + d.get().partitions().size() + " partitions but"
                    + " the archive has records of partition " + (partitions - 1)
                    + "; add partitions or drop --keep-partitions");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline && !description().map(t -> t.partitions().stream()
                .allMatch(p -> p.leader() != null && !p.leader().isEmpty())).orElse(false)) {
            Thread.sleep(100);
        }
        return create;
    }

    /**
     * Makes sure Kafka keeps records as old as {@code oldestMillis}: archived records keep their
     * original timestamps, and a topic with the usual 7-day retention would delete older ones
     * soon after the replay. A topic this replay created is set to keep records forever; for a
     * topic that existed, the user is told what to do.
     */
    void keepRecordsSince(long oldestMillis, boolean created) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = get(admin.describeConfigs(List.of(resource)).all()).get(resource);
        ConfigEntry entry = config == null ? null : config.get(TopicConfig.RETENTION_MS_CONFIG);
        long retention = entry == null || entry.value() == null ? -1 : Long.parseLong(entry.value());
        if (retention < 0 || oldestMillis >= System.currentTimeMillis() - retention) {
            return;
        }
        String days = String.format("%.1f days", retention / 86_400_000.0);
        if (created) {
            get(admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry(TopicConfig.RETENTION_MS_CONFIG, "-1"), AlterConfigOp.OpType.SET)))).all());
            System.err.println("set retention.ms=-1 on " + topic + ": the archive holds records older than the"
                    + " retention of " + days + " it had, which Kafka would delete right after the replay");
        } else {
            System.err.println("warning: " + topic + " keeps records for " + days + " (retention.ms=" + retention
                    + "), and some archived records are older: Kafka will delete them soon after the replay. Raise"
                    + " retention.ms on the topic first (-1 keeps them forever).");
        }
    }

    static <T> T get(org.apache.kafka.common.KafkaFuture<T> future) throws Exception {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + TIMEOUT_SECONDS + " s (is --bootstrap right?)",
                    e);
        }
    }

    @Override
    public void close() {
        if (ownsAdmin) {
            admin.close();
        }
    }
}
