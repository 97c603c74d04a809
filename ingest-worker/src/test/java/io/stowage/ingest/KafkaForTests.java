package io.stowage.ingest;

import io.stowage.embedded.LocalKafka;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** One in-process broker for the test JVM; each test makes its own topics. */
final class KafkaForTests {
    private static LocalKafka kafka;

    private KafkaForTests() {}

    static synchronized LocalKafka broker() {
        if (kafka == null) {
            kafka = LocalKafka.startTemporary();
            Runtime.getRuntime().addShutdownHook(new Thread(kafka::close));
        }
        return kafka;
    }

    /** Creates topics and waits until every partition has a leader, so the first writes are not refused. */
    static void createTopics(int partitions, String... names) throws Exception {
        try (Admin admin = Admin.create(adminProps())) {
            admin.createTopics(java.util.Arrays.stream(names).map(n -> new NewTopic(n, partitions, (short) 1)).toList())
                    .all().get(30, TimeUnit.SECONDS);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> admin
                    .describeTopics(List.of(names)).allTopicNames().get(10, TimeUnit.SECONDS).values().stream()
                    .allMatch(d -> d.partitions().size() == partitions
                            && d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())));
        }
    }

    static KafkaProducer<byte[], byte[]> producer() {
        Properties p = new Properties();
        p.setProperty(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker().bootstrapServers());
        p.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        p.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.setProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(2 * 1024 * 1024));
        p.setProperty(ProducerConfig.LINGER_MS_CONFIG, "5");
        // one request in flight: a write refused while a new partition's leader settles is retried in order
        p.setProperty(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }

    static Properties adminProps() {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", broker().bootstrapServers());
        return p;
    }

    static Duration timeout() {
        return Duration.ofSeconds(120);
    }

    static List<String> names(String prefix, int n) {
        return java.util.stream.IntStream.range(0, n).mapToObj(i -> prefix + "-" + i).toList();
    }
}
