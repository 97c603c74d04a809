package io.stowage.ingest;

import io.stowage.common.kafka.KafkaClientProperties;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the worker asks Kafka besides records: the cluster id and topic ids, which go into derived message ids. */
final class KafkaCluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaCluster.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

    private final Admin admin;
    private final String bootstrap;
    private final Map<String, String> topicIds = new ConcurrentHashMap<>();

    KafkaCluster(Properties kafka) {
        Properties props = KafkaClientProperties.only(kafka, AdminClientConfig.configNames());
        props.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "stowage-ingest-admin");
        this.bootstrap = kafka.getProperty("bootstrap.servers");
        this.admin = Admin.create(props);
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

    /** The id of {@code topic} (cached: a topic keeps its id until it is deleted). */
    String topicId(String topic) {
        String cached = topicIds.get(topic);
        if (cached != null) {
            return cached;
        }
        try {
            TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            String id = d.topicId().toString();
            topicIds.put(topic, id);
            return id;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe topic " + topic + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing topic " + topic, e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
