package io.stowage.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeTopicsResult;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.internals.KafkaFutureImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Topic-id look-ups: never blocking, cached, and a failure logged once and tried again later. */
class KafkaClusterTest {
    static final Uuid ID = Uuid.fromString("b2ZXN3Rvd2FnZS10b3BpYw");

    final TestClock clock = new TestClock();
    /** What the admin was asked for, one entry per call, each answered by the test through its futures. */
    final List<Map<String, KafkaFutureImpl<TopicDescription>>> calls = new ArrayList<>();
    final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    final Logger clusterLog = (Logger) LoggerFactory.getLogger(KafkaCluster.class);
    KafkaCluster cluster;

    @BeforeEach
    void setUp() {
        logged.start();
        clusterLog.addAppender(logged);
        cluster = new KafkaCluster(admin(), "broker:9092", clock);
    }

    @AfterEach
    void tearDown() {
        clusterLog.detachAppender(logged);
    }

    @Test
    void anUnknownTopicIsLookedUpInTheBackgroundAndCached() {
        assertThat(cluster.find("alerts")).isEmpty();
        assertThat(cluster.find("alerts")).as("asked once while the answer is pending").isEmpty();
        assertThat(calls).hasSize(1);

        calls.get(0).get("alerts").complete(description("alerts"));

        assertThat(cluster.find("alerts")).contains(ID.toString());
        assertThat(cluster.find("alerts")).contains(ID.toString());
        assertThat(calls).hasSize(1);
    }

    @Test
    void topicsAreLookedUpAheadInOneCall() {
        cluster.prefetch(List.of("a", "b", "a"));

        assertThat(calls).hasSize(1);
        assertThat(calls.get(0).keySet()).containsExactlyInAnyOrder("a", "b");
        calls.get(0).get("a").complete(description("a"));
        assertThat(cluster.find("a")).isPresent();
        assertThat(calls).hasSize(1);
    }

    @Test
    void aTimeoutIsLoggedOnceAndTheLookUpIsTriedAgainLater() {
        cluster.find("alerts");
        calls.get(0).get("alerts").completeExceptionally(new TimeoutException("timed out waiting for a node"));

        assertThat(cluster.find("alerts")).isEmpty();
        assertThat(calls).as("not again at once").hasSize(1);

        clock.advance(Duration.ofSeconds(5));
        assertThat(cluster.find("alerts")).isEmpty();
        assertThat(calls).hasSize(2);
        calls.get(1).get("alerts").completeExceptionally(new TimeoutException("timed out again"));

        clock.advance(Duration.ofSeconds(5));
        cluster.find("alerts");
        calls.get(2).get("alerts").complete(description("alerts"));

        assertThat(cluster.find("alerts")).contains(ID.toString());
        assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.WARN).hasSize(1)
                .first().extracting(ILoggingEvent::getFormattedMessage).asString()
                .contains("alerts", "timed out waiting for a node");
        assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.INFO).hasSize(1);
    }

    private static TopicDescription description(String topic) {
        return new TopicDescription(topic, false, List.of(), Set.of(), ID);
    }

    /** An Admin that only describes topics, recording each call; anything else fails the test. */
    private Admin admin() {
        return (Admin) Proxy.newProxyInstance(Admin.class.getClassLoader(), new Class<?>[] {Admin.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("describeTopics") || !(args[0] instanceof Collection<?> topics)) {
                        throw new UnsupportedOperationException(method.toString());
                    }
                    Map<String, KafkaFutureImpl<TopicDescription>> futures = new HashMap<>();
                    topics.forEach(t -> futures.put((String) t, new KafkaFutureImpl<>()));
                    calls.add(futures);
                    return new DescribeTopicsResult(null, new HashMap<String, KafkaFuture<TopicDescription>>(futures)) {
                    };
                });
    }
}
