package io.stowage.ingest;

import com.google.protobuf.Timestamp;
import io.stowage.api.v1.CommittedOffset;
import io.stowage.api.v1.GroupCapture;
import io.stowage.api.v1.PutCaptureRequest;
import io.stowage.api.v1.TopicCapture;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsSpec;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads, through the Kafka admin API, what a restore needs besides the records: each archived
 * topic's partition count, replication factor and the configuration set on the topic itself, and
 * the committed offsets on archived topics of the consumer groups to capture (never the worker's
 * own group, whose offsets only say how far archiving got).
 */
final class ClusterCapture {
    private static final Logger log = LoggerFactory.getLogger(ClusterCapture.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final Admin admin;
    private final String clusterId;
    private final TopicFilter topics;
    private final TopicFilter groups;
    private final String ownGroup;
    private final Clock clock;
    private final IngestMetrics metrics;
    /** Topics whose configuration the worker may not read, already logged: logged once each, not every interval. */
    private final Set<String> deniedLogged = new HashSet<>();
    private final Set<String> nulLogged = new HashSet<>();

    ClusterCapture(Admin admin, String clusterId, TopicFilter topics, TopicFilter groups, String ownGroup, Clock clock,
            IngestMetrics metrics) {
        this.admin = admin;
        this.clusterId = clusterId;
        this.topics = topics;
        this.groups = groups;
        this.ownGroup = ownGroup;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * One capture. It is stamped with the time the reading ended, so that everything in it was
     * true at or before its {@code seen_at}: a restore to a time picks no offset committed later.
     */
    PutCaptureRequest read() throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> archived = new TreeSet<>();
        for (String name : get(admin.listTopics(new ListTopicsOptions().listInternal(false)).names())) {
            if (topics.accepts(name)) {
                archived.add(name);
            }
        }
        PutCaptureRequest.Builder capture = PutCaptureRequest.newBuilder().setClusterId(clusterId);
        if (!archived.isEmpty()) {
            // topic by topic, so that one the worker may not describe, or one deleted since it was
            // listed, leaves out that topic only, not the whole capture
            Map<String, KafkaFuture<TopicDescription>> described = admin.describeTopics(archived).topicNameValues();
            Map<ConfigResource, KafkaFuture<Config>> configs = admin.describeConfigs(archived.stream()
                    .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList()).values();
            for (String name : archived) {
                try {
                    TopicDescription d = get(described.get(name));
                    Config config = get(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name)));
                    capture.addTopics(TopicCapture.newBuilder().setTopic(name).setPartitions(d.partitions().size())
                            .setReplicationFactor(d.partitions().isEmpty() ? 0 : d.partitions().get(0).replicas().size())
                            .putAllConfigs(setOnTopic(name, config)));
                } catch (ExecutionException e) {
                    if (e.getCause() instanceof AuthorizationException denied) {
                        leaveOutDenied(name, denied);
                    } else if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                        throw e;
                    } // else deleted since it was listed: nothing to capture
                }
            }
        }
        for (GroupCapture g : groupOffsets()) {
            capture.addGroups(g);
        }
        Instant seen = clock.instant();
        return capture.setSeenAt(Timestamp.newBuilder().setSeconds(seen.getEpochSecond())
                .setNanos(seen.getNano())).build();
    }

    private void leaveOutDenied(String topic, AuthorizationException denied) {
        metrics.captureTopicDenied();
        if (deniedLogged.add(topic)) {
            log.warn("Topic {} is left out of the captures: the worker's Kafka principal may not describe it or its"
                    + " configuration ({}). Captures need Describe and DescribeConfigs on the archived topics, and"
                    + " Describe on the consumer groups to capture (the broker does not list groups the worker may not"
                    + " describe); grant them to capture this topic. Other topics are captured; this is logged once"
                    + " per topic and counted in stowage_ingest_capture_topics_denied_total", topic, denied.getMessage());
        }
    }

    /**
     * Only what was set on the topic itself: a broker's or the cluster's defaults belong to the
     * cluster a restore writes to, and copying them onto each topic would pin values the target
     * cluster's operators chose otherwise. Sensitive values (null here) are left out.
     */
    private Map<String, String> setOnTopic(String topic, Config config) {
        Map<String, String> set = new TreeMap<>();
        if (config != null) {
            for (ConfigEntry e : config.entries()) {
                if (e.source() == ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG && e.value() != null) {
                    if (hasNul(e.name()) || hasNul(e.value())) {
                        nulLeftOut("config " + e.name() + " of topic " + topic);
                    } else {
                        set.put(e.name(), e.value());
                    }
                }
            }
        }
        return set;
    }

    private static boolean hasNul(String s) {
        return s.indexOf('\0') >= 0;
    }

    /** The index cannot store NUL characters: what holds one is left out, so the rest is still captured. */
    private void nulLeftOut(String what) {
        if (nulLogged.add(what)) {
            log.warn("The capture leaves out {}: it holds a NUL character (U+0000), which the index cannot store;"
                    + " logged once", what.replace("\0", "\\0"));
        }
    }

    /** The captured groups with offsets on archived topics, by name; groups without any are left out. */
    private List<GroupCapture> groupOffsets() throws InterruptedException, ExecutionException, TimeoutException {
        Collection<GroupListing> listed = get(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all());
        Map<String, ListConsumerGroupOffsetsSpec> wanted = new TreeMap<>();
        for (GroupListing g : listed) {
            if (hasNul(g.groupId())) {
                nulLeftOut("group " + g.groupId());
            } else if (!g.groupId().equals(ownGroup) && groups.accepts(g.groupId())) {
                wanted.put(g.groupId(), new ListConsumerGroupOffsetsSpec());
            }
        }
        if (wanted.isEmpty()) {
            return List.of();
        }
        Map<String, Map<TopicPartition, OffsetAndMetadata>> offsets = get(admin.listConsumerGroupOffsets(wanted).all());
        List<GroupCapture> result = new ArrayList<>();
        for (String group : wanted.keySet()) {
            GroupCapture.Builder b = GroupCapture.newBuilder().setGroup(group);
            Map<TopicPartition, OffsetAndMetadata> committed = new TreeMap<>(
                    Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition));
            committed.putAll(offsets.getOrDefault(group, Map.of()));
            committed.forEach((tp, om) -> {
                if (om != null && topics.accepts(tp.topic())) {
                    String metadata = om.metadata() == null ? "" : om.metadata();
                    if (hasNul(metadata)) { // the offset is what a restore needs: it is kept
                        nulLeftOut("the commit metadata of group " + group + " on " + tp);
                        metadata = "";
                    }
                    b.addOffsets(CommittedOffset.newBuilder().setTopic(tp.topic()).setPartition(tp.partition())
                            .setOffset(om.offset()).setMetadata(metadata));
                }
            });
            if (b.getOffsetsCount() > 0) {
                result.add(b.build());
            }
        }
        return result;
    }

    private static <T> T get(KafkaFuture<T> future) throws InterruptedException, ExecutionException, TimeoutException {
        return future.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
