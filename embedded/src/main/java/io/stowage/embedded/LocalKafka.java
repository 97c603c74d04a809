package io.stowage.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker in this JVM: one KRaft node that is both broker and controller, listening
 * on loopback. Its log directory is a persistent one for {@code stowage dev} (topics, records and
 * committed offsets survive a restart, also after the process was killed) or a temporary one for
 * tests.
 */
public final class LocalKafka implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalKafka.class);
    private static final String HOST = "127.0.0.1";
    private static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String LOCK_FILE = ".stowage.lock";

    private final KafkaRaftServer server;
    private final FileChannel lock;
    private final Path logDir;
    private final String clusterId;
    private final int port;
    private final boolean temporary;
    private final AtomicBoolean closed = new AtomicBoolean();

    private LocalKafka(KafkaRaftServer server, FileChannel lock, Path logDir, String clusterId, int port,
            boolean temporary) {
        this.server = server;
        this.lock = lock;
        this.logDir = logDir;
        this.clusterId = clusterId;
        this.port = port;
        this.temporary = temporary;
    }

    /**
     * Starts a broker with its data in {@code logDir}, formatting the directory on first use and
     * reusing it (with its cluster id) afterwards. Clients connect to 127.0.0.1:{@code port}; port
     * 0 picks a free one.
     */
    public static LocalKafka start(Path logDir, int port) {
        return start(logDir, port, false);
    }

    /** Starts a broker in a fresh temporary directory that is removed on {@link #close()}. */
    public static LocalKafka startTemporary() {
        Path dir;
        try {
            dir = Files.createTempDirectory("stowage-kafka-");
        } catch (IOException e) {
            throw new UncheckedIOException("could not create a temporary directory for embedded Kafka", e);
        }
        try {
            return start(dir, 0, true);
        } catch (RuntimeException e) {
            TempDirs.deleteQuietly(dir);
            throw e;
        }
    }

    private static LocalKafka start(Path logDir, int port, boolean temporary) {
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("Kafka port must be between 0 and 65535, not " + port);
        }
        Path dir = logDir.toAbsolutePath().normalize();
        long started = System.nanoTime();
        FileChannel lock = lock(dir);
        try {
            int brokerPort = port == 0 ? freePort() : port;
            int controllerPort = freePort(brokerPort);
            Optional<String> existing = existingClusterId(dir);
            String clusterId = existing.isPresent() ? existing.get() : format(dir);
            KafkaRaftServer server = startServer(dir, brokerPort, controllerPort);
            log.info("Embedded Kafka started in {} ms on {}:{} (cluster {}) with its log in {}",
                    (System.nanoTime() - started) / 1_000_000, HOST, brokerPort, clusterId, dir);
            return new LocalKafka(server, lock, dir, clusterId, brokerPort, temporary);
        } catch (IOException e) {
            closeQuietly(lock);
            throw new UncheckedIOException("could not prepare the embedded Kafka log directory " + dir
                    + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(lock);
            throw e;
        }
    }

    private static KafkaRaftServer startServer(Path dir, int brokerPort, int controllerPort) {
        KafkaRaftServer server = null;
        try {
            server = new KafkaRaftServer(KafkaConfig.fromProps(settings(dir, brokerPort, controllerPort)), Time.SYSTEM);
            server.startup();
            return server;
        } catch (RuntimeException e) {
            if (server != null) {
                stopQuietly(server);
            }
            throw new IllegalStateException("could not start embedded Kafka on " + HOST + ":" + brokerPort
                    + " with its log in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Kafka locks its log directory only when the broker starts, after its controller has already
     * opened the metadata log in that same directory: a second instance would write to the first
     * one's metadata before it fails. So hold a lock of our own, for as long as the broker runs.
     * The operating system releases it when the process dies, however it dies.
     */
    private static FileChannel lock(Path dir) {
        FileChannel channel = null;
        try {
            Files.createDirectories(dir);
            channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            if (channel.tryLock() != null) {
                return channel;
            }
        } catch (OverlappingFileLockException e) {
            // held by another LocalKafka in this JVM: reported below like one in another process
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("could not lock the embedded Kafka log directory " + dir
                    + ": " + e.getMessage(), e);
        }
        closeQuietly(channel);
        throw new IllegalStateException("the embedded Kafka log directory " + dir
                + " is in use by another broker (is another Stowage using this data directory?)");
    }

    /**
     * Settings for one node that is the whole cluster: every internal topic has a single
     * replica, and nothing waits for brokers that will never come.
     */
    private static Properties settings(Path dir, int brokerPort, int controllerPort) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        // a static voter set: the controller port may change from one start to the next, and
        // with static voters it is read from here each time instead of from the metadata log
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort + ","
                + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + brokerPort);
        p.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", BROKER_LISTENER);
        p.put("log.dirs", dir.toString());

        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("auto.create.topics.enable", "true");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        // After a kill, the restarted controller keeps the dead broker's registration alive for a
        // session timeout and refuses the new incarnation until then (9 s by default). On one
        // node the heartbeats never leave the process, so a short session costs nothing.
        p.put("broker.session.timeout.ms", "3000");
        p.put("broker.heartbeat.interval.ms", "500");

        // modest memory: the log cleaner (for the compacted offsets topic) would otherwise take
        // a 128 MiB buffer from the heap of the application that embeds the broker
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        p.put("log.segment.bytes", String.valueOf(64 * 1024 * 1024));
        p.put("log.index.size.max.bytes", String.valueOf(1024 * 1024));
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        return p;
    }

    /** The cluster id of a log directory formatted by an earlier start, if it is one. */
    private static Optional<String> existingClusterId(Path dir) throws IOException {
        MetaPropertiesEnsemble ensemble = new MetaPropertiesEnsemble.Loader()
                .addLogDirs(List.of(dir.toString()))
                .addMetadataLogDir(dir.toString())
                .load();
        if (!ensemble.errorLogDirs().isEmpty()) {
            throw new IOException("its meta.properties cannot be read");
        }
        return ensemble.clusterId();
    }

    /** What {@code kafka-storage.sh format} does, for a new cluster with a random id. */
    private static String format(Path dir) throws IOException {
        String clusterId = Uuid.randomUuid().toString();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            new Formatter()
                    .setPrintStream(print)
                    .setNodeId(NODE_ID)
                    .setClusterId(clusterId)
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(dir.toString())
                    .addDirectory(dir.toString())
                    .run();
        } catch (Exception e) {
            throw e instanceof IOException io ? io : new IOException("formatting failed: " + e.getMessage(), e);
        }
        log.debug("Formatted {} for Kafka cluster {}: {}", dir, clusterId,
                out.toString(StandardCharsets.UTF_8).trim());
        return clusterId;
    }

    /**
     * A port that is free now. Another process may take it before the broker binds it; the start
     * then fails with a message naming the port.
     */
    private static int freePort(int... taken) throws IOException {
        while (true) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
                int candidate = socket.getLocalPort();
                if (Arrays.stream(taken).noneMatch(t -> t == candidate)) {
                    return candidate;
                }
            }
        }
    }

    /** "127.0.0.1:PORT", for a client's {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    public int port() {
        return port;
    }

    public String clusterId() {
        return clusterId;
    }

    public Path logDir() {
        return logDir;
    }

    /** Shuts the broker down cleanly and waits until it has stopped. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long started = System.nanoTime();
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            closeQuietly(lock);
            if (temporary) {
                TempDirs.deleteQuietly(logDir);
            }
        }
        log.info("Embedded Kafka stopped in {} ms", (System.nanoTime() - started) / 1_000_000);
    }

    private static void stopQuietly(KafkaRaftServer server) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            log.warn("Embedded Kafka did not stop cleanly after a failed start", e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("Could not release the embedded Kafka directory lock", e);
        }
    }
}
