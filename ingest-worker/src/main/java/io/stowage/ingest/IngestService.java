package io.stowage.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.stowage.client.Retrier;
import io.stowage.client.RetryPolicy;
import io.stowage.client.StowageClient;
import io.stowage.common.kafka.KafkaClientProperties;
import io.stowage.common.kafka.RecordMapper;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest worker wired together: Kafka, the mapping, the client to the api-server, and the
 * consumer loop on a thread of its own. {@link #close()} stops it gracefully.
 */
public final class IngestService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(IngestService.class);

    private final KafkaCluster cluster;
    private final StowageClient client;
    private final IngestWorker worker;
    private final Thread thread;
    private final Optional<CaptureSchedule> captures;

    private IngestService(KafkaCluster cluster, StowageClient client, IngestWorker worker,
            Optional<CaptureSchedule> captures) {
        this.cluster = cluster;
        this.client = client;
        this.worker = worker;
        this.captures = captures;
        this.thread = new Thread(worker, "stowage-ingest");
    }

    /**
     * Connects to Kafka (waiting for it, with log lines that say so) and starts consuming.
     *
     * @param clientBuilder how to reach the api-server (TLS and token set by the caller)
     */
    public static IngestService start(IngestConfig config, StowageClient.Builder clientBuilder, MeterRegistry registry)
            throws InterruptedException {
        KafkaCluster cluster = new KafkaCluster(config.kafka(), Clock.systemUTC());
        StowageClient client = null;
        try {
            String clusterId = cluster.clusterId();
            IngestMetrics metrics = new IngestMetrics(registry);
            client = clientBuilder
                    .deadline(config.putDeadline())
                    .retry(RetryPolicy.untilInvalid(Duration.ofMillis(200), Duration.ofSeconds(10)))
                    .retryListener((method, attempt, status) -> metrics.retry())
                    .build();
            RecordMapper mapper = new RecordMapper(clusterId, config.typeRules());
            BatchSender sender = new BatchSender(client::putBatch, mapper, metrics, config.maxInFlightBatches());
            KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(config),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer());
            IngestWorker worker = new IngestWorker(config, consumer, cluster, sender, mapper, metrics,
                    Clock.systemUTC());
            IngestService service = new IngestService(cluster, client, worker,
                    captures(config, cluster, clusterId, clientBuilder.channel(client.channel()), metrics));
            service.thread.setUncaughtExceptionHandler((t, e) -> log.error("The ingest loop failed", e));
            service.thread.start();
            log.info("Ingest worker started for Kafka cluster {}", clusterId);
            return service;
        } catch (InterruptedException | RuntimeException e) {
            if (client != null) {
                client.close();
            }
            cluster.close();
            throw e;
        }
    }

    /**
     * The capture schedule, when captures are on. Its calls go over the worker's channel but give up
     * after a few attempts, unlike PutBatch: a capture that fails is counted and taken again on the
     * next interval, rather than retried for as long as the server is down.
     */
    private static Optional<CaptureSchedule> captures(IngestConfig config, KafkaCluster cluster, String clusterId,
            StowageClient.Builder sameChannel, IngestMetrics metrics) {
        return config.capture().interval().map(interval -> {
            StowageClient captureClient = sameChannel.retry(RetryPolicy.DEFAULT)
                    .retryListener(Retrier.RetryListener.NONE).build();
            ClusterCapture capture = new ClusterCapture(cluster.admin(), clusterId, config.topics(),
                    config.capture().groups(), config.groupId(), Clock.systemUTC(), metrics);
            return CaptureSchedule.start(capture, captureClient::putCapture, metrics, interval);
        });
    }

    static Properties consumerProperties(IngestConfig config) {
        Properties props = new Properties();
        // archive everything there is, and only what committed transactions published
        props.setProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.setProperty(ConsumerConfig.CLIENT_ID_CONFIG, "stowage-ingest");
        props.putAll(KafkaClientProperties.only(config.kafka(), ConsumerConfig.configNames()));
        props.setProperty(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        props.setProperty(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.setProperty(ConsumerConfig.METADATA_MAX_AGE_CONFIG, String.valueOf(config.topicRefresh().toMillis()));
        return props;
    }

    /** Ready while the consumer loop is running and polling (a rebalance may hold it up to the shutdown timeout). */
    public boolean isReady() {
        return thread.isAlive() && worker.polledWithin(Duration.ofSeconds(60));
    }

    public boolean isRunning() {
        return thread.isAlive();
    }

    /** Stops consuming, waits (bounded) for batches in flight, commits what was acknowledged. */
    @Override
    public void close() {
        captures.ifPresent(CaptureSchedule::close);
        worker.stop();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        client.close();
        cluster.close();
    }
}
