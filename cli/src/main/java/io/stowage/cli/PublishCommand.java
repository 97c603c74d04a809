package io.stowage.cli;

import io.stowage.common.kafka.KafkaClientProperties;
import io.stowage.common.kafka.TestVectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code stowage publish}: records that exercise every case an exact archive must keep. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Publish test vectors to a topic, to check a deployment end to end: binary, null and empty keys,"
                + " tombstones and empty values, duplicate header keys, null and empty header values, arbitrary bytes, a"
                + " 900 KiB value, and every _id header case (a 16-byte UUID, text, empty, null, several) and ce_id.",
            "Then compare: stowage ids --stream TOPIC --kafka-order, or replay the topic and diff it."})
final class PublishCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Option(names = "--topic", required = true, description = "Topic to publish to; created if missing.")
    String topic;

    @Option(names = "--count", defaultValue = "1000", description = "Records (default ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--partitions", defaultValue = "3", description = "Partitions of a topic created here (default ${DEFAULT-VALUE}).")
    int partitions;

    @Option(names = "--seed", defaultValue = "1", description = "Seed of the generated content (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        Properties props = kafka.properties();
        int actualPartitions = ensureTopic(props);
        List<ProducerRecord<byte[], byte[]>> records = TestVectors.generate(List.of(topic), actualPartitions, count, seed,
                System.currentTimeMillis() - count * 1000L);
        Properties producerProps = KafkaClientProperties.only(props, ProducerConfig.configNames());
        producerProps.setProperty(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        producerProps.setProperty(ProducerConfig.ACKS_CONFIG, "all");
        producerProps.setProperty(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(2 * 1024 * 1024));
        // one request in flight: a write refused while a new topic's leaders settle is retried in order
        producerProps.setProperty(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        Progress progress = new Progress("published", records.size());
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> r : records) {
                sent.add(producer.send(r, (meta, e) -> progress.advance(1)));
            }
            producer.flush();
        }
        for (Future<RecordMetadata> f : sent) {
            f.get(60, TimeUnit.SECONDS); // surfaces the first failure, if any
        }
        progress.finish();
        System.out.println("published " + records.size() + " test records to " + topic + " (" + actualPartitions
                + " partitions, " + TestVectors.CASES + " cases)");
        return StowageCommand.ExitCodes.OK;
    }

    private void awaitLeaders(Admin admin) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            var d = admin.describeTopics(List.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS).get(topic);
            if (d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
                return;
            }
            Thread.sleep(100);
        }
    }

    /** Creates the topic when it is missing; returns its partition count. */
    private int ensureTopic(Properties props) throws Exception {
        try (Admin admin = Admin.create(KafkaClientProperties.only(props, AdminClientConfig.configNames()))) {
            Set<String> topics = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            if (!topics.contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, java.util.Optional.of(partitions),
                        java.util.Optional.empty()))).all().get(60, TimeUnit.SECONDS);
                System.err.println("created topic " + topic + " with " + partitions + " partitions");
                awaitLeaders(admin);
            }
            return admin.describeTopics(List.of(topic)).allTopicNames().get(60, TimeUnit.SECONDS).get(topic)
                    .partitions().size();
        }
    }
}
