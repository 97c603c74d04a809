package io.stowage.bench;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The peer of B1: Kafka Connect standalone, in a JVM of its own with the worker's heap, running
 * the FileStreamSink connector that writes the topic's values to a file. It is the engine the
 * S3 sink connectors run on, without any S3 in the way.
 */
final class ConnectPeer {
    private static final String MAIN = "org.apache.kafka.connect.cli.ConnectStandalone";
    private static final Duration START_WITHIN = Duration.ofSeconds(180);

    private final String bootstrapServers;
    private final Path workDir;
    private final Path logDir;
    private final String heap;

    /** What a Connect run measured. */
    record Measured(Throughput throughput, long peakRssBytes) {}

    ConnectPeer(String bootstrapServers, Path workDir, Path logDir, String heap) {
        this.bootstrapServers = bootstrapServers;
        this.workDir = workDir;
        this.logDir = logDir;
        this.heap = heap;
    }

    /**
     * Sinks all of {@code topic} to a file. The clock starts when the first bytes reach the file
     * (start-up and plugin discovery are not counted) and stops when the connector's group has
     * committed every offset.
     */
    Measured run(String name, TopicLoader.LoadedTopic topic, GroupWatch watch, Duration timeout) throws Exception {
        Files.createDirectories(workDir);
        Path out = workDir.resolve(name + ".out");
        Files.deleteIfExists(out);
        Path worker = write(workDir.resolve(name + "-worker.properties"), Map.of(
                "bootstrap.servers", bootstrapServers,
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter",
                "offset.storage.file.filename", workDir.resolve(name + ".offsets").toString(),
                // commit often, so that the end of the run is seen at once (the default is a minute)
                "offset.flush.interval.ms", "200",
                "listeners", "http://127.0.0.1:" + Stowage.freePort(),
                "plugin.discovery", "service_load"));
        Path connector = write(workDir.resolve(name + "-connector.properties"), Map.of(
                "name", name,
                "connector.class", "org.apache.kafka.connect.file.FileStreamSinkConnector",
                "tasks.max", "1",
                "file", out.toString(),
                "topics", topic.name()));
        try (ChildJvm jvm = ChildJvm.start(name, List.of("-Xmx" + heap), System.getProperty("java.class.path"), MAIN,
                List.of(worker.toString(), connector.toString()), Map.of(), logDir)) {
            long deadline = System.nanoTime() + START_WITHIN.toNanos();
            while (!Files.exists(out) || Files.size(out) == 0) {
                jvm.requireAlive();
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Kafka Connect wrote nothing within " + START_WITHIN.toSeconds()
                            + " s; see " + jvm.log());
                }
                Sleep.millis(20);
            }
            long started = System.nanoTime();
            long done = watch.awaitCommitted("Kafka Connect", "connect-" + name, topic, timeout, jvm::requireAlive);
            long peak = jvm.peakRssBytes();
            long written = Files.size(out);
            long expected = topic.payloadBytes() - keyBytes(topic) + topic.records();
            if (written != expected) {
                Progress.say("  note: Kafka Connect wrote %,d bytes, expected %,d", written, expected);
            }
            return new Measured(new Throughput(topic.records(), topic.payloadBytes(), done - started), peak);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The keys' bytes: FileStreamSink writes only values, one per line. */
    private static long keyBytes(TopicLoader.LoadedTopic topic) {
        return topic.records() * TopicLoader.key(0).length;
    }

    private static Path write(Path file, Map<String, String> settings) throws IOException {
        Properties p = new Properties();
        p.putAll(settings);
        try (Writer w = Files.newBufferedWriter(file)) {
            p.store(w, "written by the Stowage benchmarks");
        }
        return file;
    }
}
