package io.stowage.ingest;

import io.stowage.common.kafka.KafkaClientProperties;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the worker asks Kafka besides records: the cluster id and topic ids, which go into derived
 * message ids. Topic ids are looked up asynchronously and cached (a topic keeps its id until it is
 * deleted); a failed look-up is logged once and tried again later.
 */
final class KafkaCluster implements TopicIds, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaCluster.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final Admin admin;
    private final String bootstrap;
    private final Clock clock;
    private final Map<String, String> topicIds = new ConcurrentHashMap<>();
    private final Set<String> inProgress = ConcurrentHashMap.newKeySet();
    private final Map<String, Long> notBefore = new ConcurrentHashMap<>();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();

    KafkaCluster(Properties kafka, Clock clock) {
        this(Admin.create(adminProperties(kafka)), kafka.getProperty("bootstrap.servers"), clock);
    }

    KafkaCluster(Admin admin, String bootstrap, Clock clock) {
        this.admin = admin;
        this.bootstrap = bootstrap;
        this.clock = clock;
    }

    private static Properties adminProperties(Properties kafka) {
        Properties props = KafkaClientProperties.only(kafka, AdminClientConfig.configNames());
        props.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "stowage-ingest-admin");
        return props;
    }

    /** The cluster id; waits for Kafka, saying so in the log, until it answers or the thread is interrupted. */
    String clusterId() throws InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                return admin.describeCluster().clusterId().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                long wait = Math.min(30, 1L << Math.min(attempt, 5));
                log.warn("Kafka at {} does not answer ({}); retrying in {} s. Check KAFKA_BOOTSTRAP_SERVERS and the"
                        + " KAFKA_* security settings", bootstrap, e.getCause() == null ? e : e.getCause(), wait);
                Thread.sleep(wait * 1000);
            }
        }
    }

    @Override
    public Optional<String> find(String topic) {
        String id = topicIds.get(topic);
        if (id == null) {
            lookUp(List.of(topic));
        }
        return Optional.ofNullable(id);
    }

    @Override
    public void prefetch(Collection<String> topics) {
        lookUp(topics);
    }

    /** Asks for the topics not known, not asked for yet, not failed recently; answers come on the admin's thread. */
    private void lookUp(Collection<String> topics) {
        long now = clock.millis();
        List<String> due = topics.stream().distinct()
                .filter(t -> !topicIds.containsKey(t) && notBefore.getOrDefault(t, 0L) <= now && inProgress.add(t))
                .toList();
        if (due.isEmpty()) {
            return;
        }
        try {
            admin.describeTopics(due, new DescribeTopicsOptions().timeoutMs((int) CALL_TIMEOUT.toMillis()))
                    .topicNameValues()
                    .forEach((topic, answer) -> answer.whenComplete((d, e) -> settle(topic, d, e)));
        } catch (RuntimeException e) {
            due.forEach(t -> settle(t, null, e));
        }
    }

    private void settle(String topic, TopicDescription description, Throwable error) {
        if (error == null) {
            topicIds.put(topic, description.topicId().toString());
            notBefore.remove(topic);
            if (failing.remove(topic)) {
                log.info("Topic {} is described now; archiving its records", topic);
            }
        } else {
            notBefore.put(topic, clock.millis() + RETRY_AFTER.toMillis());
            if (failing.add(topic)) {
                log.warn("Cannot describe topic {} ({}); its records wait, and the look-up is tried again every {} s",
                        topic, error.toString(), RETRY_AFTER.toSeconds());
            } else {
                log.debug("Describing topic {} failed again", topic, error);
            }
        }
        inProgress.remove(topic);
    }

    /** The admin client, with the worker's Kafka client properties (SASL and TLS included), for other questions. */
    Admin admin() {
        return admin;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
