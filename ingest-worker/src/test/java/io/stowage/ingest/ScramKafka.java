package io.stowage.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A one-node Kafka broker with a SASL_PLAINTEXT listener that takes SCRAM-SHA-512, as a secured
 * cluster such as Hopskotch does (there with TLS on top), and a PLAINTEXT listener for the test
 * itself. The embedded broker of {@code stowage dev} stays as it is.
 */
final class ScramKafka implements AutoCloseable {
    private static final String HOST = "127.0.0.1";
    private final KafkaRaftServer server;
    private final int plainPort;
    private final int saslPort;

    private ScramKafka(KafkaRaftServer server, int plainPort, int saslPort) {
        this.server = server;
        this.plainPort = plainPort;
        this.saslPort = saslPort;
    }

    /** Starts the broker in {@code dir} and creates the SCRAM-SHA-512 user {@code user}. */
    static ScramKafka start(Path dir, String user, String password) throws Exception {
        int plain = freePort();
        int sasl = freePort();
        int controller = freePort();
        format(dir);
        KafkaRaftServer server = new KafkaRaftServer(KafkaConfig.fromProps(settings(dir, plain, sasl, controller)),
                Time.SYSTEM);
        server.startup();
        ScramKafka kafka = new ScramKafka(server, plain, sasl);
        try (Admin admin = Admin.create(kafka.plaintextClient())) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), password)))
                    .all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            kafka.close();
            throw e;
        }
        return kafka;
    }

    private static Properties settings(Path dir, int plain, int sasl, int controller) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@" + HOST + ":" + controller);
        p.put("controller.listener.names", "CONTROLLER");
        p.put("listeners", "PLAINTEXT://" + HOST + ":" + plain + ",SASL://" + HOST + ":" + sasl
                + ",CONTROLLER://" + HOST + ":" + controller);
        p.put("advertised.listeners", "PLAINTEXT://" + HOST + ":" + plain + ",SASL://" + HOST + ":" + sasl);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SASL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("listener.name.sasl.sasl.enabled.mechanisms", "SCRAM-SHA-512");
        p.put("listener.name.sasl.scram-sha-512.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required;");
        p.put("log.dirs", dir.toString());
        p.put("num.partitions", "1");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "1");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(8 * 1024 * 1024));
        return p;
    }

    private static void format(Path dir) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(out, true)) {
            new Formatter().setPrintStream(print).setNodeId(1).setClusterId(Uuid.randomUuid().toString())
                    .setControllerListenerName("CONTROLLER").setMetadataLogDirectory(dir.toString())
                    .addDirectory(dir.toString()).run();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Client properties for the PLAINTEXT listener (producing test records, creating the user). */
    Properties plaintextClient() {
        Properties p = new Properties();
        p.setProperty("bootstrap.servers", HOST + ":" + plainPort);
        return p;
    }

    /** host:port of the SASL_PLAINTEXT listener. */
    String saslBootstrapServers() {
        return HOST + ":" + saslPort;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
    }
}
