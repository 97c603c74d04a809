package io.stowage.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.api.v1.PutCaptureRequest;
import io.stowage.api.v1.TopicCapture;
import java.time.Clock;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeConfigsResult;
import org.apache.kafka.clients.admin.ForwardingAdmin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

/**
 * What cannot be captured leaves out only itself, not the whole capture, against a real broker: a
 * topic whose configuration the worker may not read (only the broker's answer to DescribeConfigs
 * for that topic is replaced by the authorization error an ACL gives, since a broker with an
 * authorizer and SASL users costs far more to start), and commit metadata the index cannot store.
 */
class ClusterCaptureLeavesOutTest {

    @Test
    void commitMetadataWithANulCharacterIsLeftOutAndTheOffsetKept() throws Exception {
        String prefix = "nul-" + System.nanoTime() % 100000;
        String topic = prefix + "-t";
        KafkaForTests.createTopics(1, topic);
        try (Admin admin = Admin.create(KafkaForTests.adminProps())) {
            admin.alterConsumerGroupOffsets(prefix + "-g", Map.of(new org.apache.kafka.common.TopicPartition(topic, 0),
                    new org.apache.kafka.clients.consumer.OffsetAndMetadata(0, "a\0b"))).all().get(30, TimeUnit.SECONDS);
            ClusterCapture capture = new ClusterCapture(admin, "c", new TopicFilter(prefix + "-.*", ""),
                    new TopicFilter(prefix + "-.*", ""), prefix + "-own", Clock.systemUTC(),
                    new IngestMetrics(new SimpleMeterRegistry()));

            PutCaptureRequest read = capture.read();

            assertThat(read.getGroupsList()).singleElement().satisfies(g -> {
                assertThat(g.getGroup()).isEqualTo(prefix + "-g");
                assertThat(g.getOffsetsList()).singleElement().satisfies(o -> {
                    assertThat(o.getOffset()).isZero();
                    assertThat(o.getMetadata()).isEmpty();
                });
            });
        }
    }

    @Test
    void aTopicWhoseConfigsAreDeniedIsLeftOutAndCountedAndTheOthersAreCaptured() throws Exception {
        String prefix = "denied-" + System.nanoTime() % 100000;
        String allowed = prefix + "-allowed";
        String denied = prefix + "-denied";
        try (Admin admin = Admin.create(KafkaForTests.adminProps())) {
            admin.createTopics(List.of(new NewTopic(allowed, 2, (short) 1).configs(Map.of("retention.ms", "60000")),
                    new NewTopic(denied, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Admin admin = new DenyingConfigsOf(KafkaForTests.adminProps(), denied)) {
            ClusterCapture capture = new ClusterCapture(admin, "c", new TopicFilter(prefix + "-.*", ""),
                    new TopicFilter(prefix + "-.*", ""), prefix + "-group", Clock.systemUTC(), new IngestMetrics(registry));

            PutCaptureRequest first = capture.read();
            PutCaptureRequest second = capture.read();

            assertThat(first.getTopicsList()).extracting(TopicCapture::getTopic, TopicCapture::getPartitions,
                    TopicCapture::getConfigsMap).containsExactly(org.assertj.core.groups.Tuple.tuple(allowed, 2,
                            Map.of("retention.ms", "60000")));
            assertThat(second.getTopicsList()).isEqualTo(first.getTopicsList());
            assertThat(registry.counter("stowage.ingest.capture.topics.denied").count()).isEqualTo(2);
        }
    }

    /** A real admin client, except that DescribeConfigs of one topic fails as an ACL would make it fail. */
    private static final class DenyingConfigsOf extends ForwardingAdmin {
        private final String topic;

        DenyingConfigsOf(Properties props, String topic) {
            super(asMap(props));
            this.topic = topic;
        }

        private static Map<String, Object> asMap(Properties props) {
            Map<String, Object> map = new HashMap<>();
            props.forEach((k, v) -> map.put((String) k, v));
            return map;
        }

        @Override
        public DescribeConfigsResult describeConfigs(Collection<ConfigResource> resources, DescribeConfigsOptions options) {
            Map<ConfigResource, KafkaFuture<Config>> answers = new HashMap<>(super.describeConfigs(resources, options).values());
            ConfigResource refused = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            if (answers.containsKey(refused)) {
                answers.put(refused, KafkaFuture.completedFuture(null).thenApply(v -> {
                    throw new TopicAuthorizationException("Topic authorization failed.");
                }));
            }
            return new DescribeConfigsResult(answers) { };
        }
    }
}
