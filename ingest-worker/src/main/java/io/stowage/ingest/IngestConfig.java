package io.stowage.ingest;

import io.stowage.common.config.ClientSettings;
import io.stowage.common.config.ConfigException;
import io.stowage.common.config.ProcessSettings;
import io.stowage.common.config.Setting;
import io.stowage.common.config.SettingsSource;
import io.stowage.common.config.Values;
import io.stowage.common.kafka.KafkaClientProperties;
import io.stowage.common.kafka.TypeRule;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * Configuration of the ingest worker ({@code stowage ingest}), from flags and environment
 * variables (flags win). Kafka client settings pass through: any {@code KAFKA_*} variable becomes
 * a consumer property ({@code KAFKA_SASL_MECHANISM} is {@code sasl.mechanism}), on top of an
 * optional properties file.
 */
public record IngestConfig(
        Properties kafka,
        TopicFilter topics,
        String groupId,
        ClientSettings client,
        List<TypeRule> typeRules,
        int batchMessages,
        long batchBytes,
        Duration linger,
        long maxInFlightBytes,
        int maxInFlightBatches,
        Duration putDeadline,
        Duration topicRefresh,
        String httpAddress,
        int httpPort,
        Duration shutdownTimeout,
        CaptureSettings capture) {

    public static final Setting<String> BOOTSTRAP_SERVERS = Setting.of("KAFKA_BOOTSTRAP_SERVERS", "localhost:9092",
            "Kafka brokers to consume from. Every other KAFKA_* variable is passed to the consumer too"
                    + " (KAFKA_SECURITY_PROTOCOL is security.protocol, ...).", Values::string);
    public static final Setting<Path> KAFKA_PROPERTIES_FILE = Setting.of("KAFKA_PROPERTIES_FILE", null,
            "A Kafka client properties file (SASL, TLS, ...); KAFKA_* variables override it.", Values::path);
    public static final Setting<String> TOPICS = Setting.of("STOWAGE_TOPICS", ".*",
            "Regular expression of the topics to archive; topics created later are picked up.", Values::string);
    public static final Setting<String> VETO = Setting.of("STOWAGE_VETO", TopicFilter.DEFAULT_VETO,
            "Comma-separated regular expressions of topics never archived.", Values::string);
    public static final Setting<String> GROUP_ID = Setting.of("STOWAGE_GROUP_ID", "stowage-ingest",
            "Kafka consumer group; workers in the same group share the partitions.", Values::string);
    public static final Setting<List<TypeRule>> TYPE_FROM = Setting.of("STOWAGE_TYPE_FROM", "header:ce_type",
            "Where the CloudEvent type comes from, tried in order: header:NAME or json:/pointer, comma-separated;"
                    + " else kafka.record.", TypeRule::parseAll);
    public static final Setting<Integer> BATCH_MESSAGES = Setting.of("STOWAGE_BATCH_MESSAGES", "3000",
            "Most records per PutBatch.", Values::positiveInt);
    public static final Setting<Long> BATCH_BYTES = Setting.of("STOWAGE_BATCH_BYTES", "4MiB",
            "Most bytes per PutBatch (a larger single record goes alone).", Values::dataSize);
    public static final Setting<Duration> LINGER = Setting.of("STOWAGE_LINGER", "200ms",
            "Longest a record waits for its batch to fill.", Values::duration);
    public static final Setting<Long> MAX_IN_FLIGHT_BYTES = Setting.of("STOWAGE_MAX_IN_FLIGHT_BYTES", "64MiB",
            "Most bytes of records held, read but not yet acknowledged; beyond it the worker pauses its partitions.",
            Values::dataSize);
    public static final Setting<Integer> MAX_IN_FLIGHT_BATCHES = Setting.of("STOWAGE_MAX_IN_FLIGHT_BATCHES", "4",
            "PutBatch calls in flight at once.", Values::positiveInt);
    public static final Setting<Duration> PUT_DEADLINE = Setting.of("STOWAGE_PUT_DEADLINE", "30s",
            "Deadline of one PutBatch attempt; failed attempts are retried with backoff until the server is back.",
            Values::duration);
    public static final Setting<Duration> TOPIC_REFRESH = Setting.of("STOWAGE_TOPIC_REFRESH", "30s",
            "How often the topic list is refreshed, so new topics are picked up.", Values::duration);

    public static final Setting<Optional<Duration>> CAPTURE_INTERVAL = Setting.of("STOWAGE_CAPTURE_INTERVAL", "1m",
            "How often the archived topics' configurations and the consumer groups' committed offsets are captured"
                    + " and sent to the server (for a restore); 0 or off: never.", Values::optionalDuration);
    public static final Setting<String> CAPTURE_GROUPS = Setting.of("STOWAGE_CAPTURE_GROUPS", ".*",
            "Regular expression of the consumer groups whose committed offsets on archived topics are captured;"
                    + " the worker's own group never is.", Values::string);
    public static final Setting<String> CAPTURE_GROUPS_VETO = Setting.of("STOWAGE_CAPTURE_GROUPS_VETO", "",
            "Comma-separated regular expressions of consumer groups never captured.", Values::string);

    /**
     * Every setting, in the order of help output and the README table: what this class,
     * {@link ClientSettings} (how to reach the server) and {@link ProcessSettings} declare.
     */
    public static final List<Setting<?>> SETTINGS = Setting.declaredIn(IngestConfig.class, ClientSettings.class,
            ProcessSettings.class);

    public static IngestConfig from(SettingsSource src) {
        Properties kafka = KafkaClientProperties.from(src.environment(), src.find(KAFKA_PROPERTIES_FILE));
        kafka.setProperty("bootstrap.servers", src.get(BOOTSTRAP_SERVERS));
        TopicFilter topics;
        try {
            topics = new TopicFilter(src.get(TOPICS), src.get(VETO));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("STOWAGE_TOPICS or STOWAGE_VETO: " + e.getMessage());
        }
        long batchBytes = src.get(BATCH_BYTES);
        long maxInFlight = src.get(MAX_IN_FLIGHT_BYTES);
        if (maxInFlight < batchBytes) {
            throw new ConfigException("STOWAGE_MAX_IN_FLIGHT_BYTES (" + maxInFlight + ") must be at least"
                    + " STOWAGE_BATCH_BYTES (" + batchBytes + ")");
        }
        CaptureSettings capture;
        try {
            capture = new CaptureSettings(src.get(CAPTURE_INTERVAL),
                    new TopicFilter(src.get(CAPTURE_GROUPS), src.get(CAPTURE_GROUPS_VETO)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("STOWAGE_CAPTURE_GROUPS or STOWAGE_CAPTURE_GROUPS_VETO: " + e.getMessage());
        }
        return new IngestConfig(kafka, topics, src.get(GROUP_ID), ClientSettings.from(src), src.get(TYPE_FROM),
                src.get(BATCH_MESSAGES), batchBytes, src.get(LINGER), maxInFlight, src.get(MAX_IN_FLIGHT_BATCHES),
                src.get(PUT_DEADLINE), src.get(TOPIC_REFRESH), src.get(ProcessSettings.HTTP_ADDRESS),
                src.get(ProcessSettings.HTTP_PORT), src.get(ProcessSettings.SHUTDOWN_GRACE), capture);
    }

    public String bootstrapServers() {
        return kafka.getProperty("bootstrap.servers");
    }

    /** host:port of the api-server. */
    public String server() {
        return client.server();
    }

    /** A copy that sends to another server, consumes from other brokers and looks for new topics as often as asked ({@code stowage dev}). */
    public IngestConfig with(String server, String bootstrapServers, int httpPort, Duration topicRefresh) {
        Properties k = new Properties();
        k.putAll(kafka);
        k.setProperty("bootstrap.servers", bootstrapServers);
        return new IngestConfig(k, topics, groupId, client.withServer(server), typeRules, batchMessages, batchBytes, linger,
                maxInFlightBytes, maxInFlightBatches, putDeadline, topicRefresh, httpAddress, httpPort, shutdownTimeout,
                capture);
    }
}
