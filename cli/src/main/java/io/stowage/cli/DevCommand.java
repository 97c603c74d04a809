package io.stowage.cli;

import io.stowage.client.StowageClient;
import io.stowage.common.config.ClientSettings;
import io.stowage.common.config.ProcessSettings;
import io.stowage.common.config.Setting;
import io.stowage.common.config.SettingsSource;
import io.stowage.common.config.Values;
import io.stowage.embedded.LocalKafka;
import io.stowage.ingest.IngestConfig;
import io.stowage.ingest.IngestRuntime;
import io.stowage.ingest.TopicFilter;
import io.stowage.server.config.ServerConfig;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code stowage dev}: the whole system in one process, for a first look and for development: an
 * embedded Kafka broker, the api-server on the embedded default, and the ingest worker.
 */
final class DevCommand implements Callable<Integer> {
    static final Setting<Integer> KAFKA_PORT = Setting.of("STOWAGE_DEV_KAFKA_PORT", "9092",
            "Port of the embedded Kafka broker (on 127.0.0.1).", Values::port);
    static final Setting<Integer> WORKER_HTTP_PORT = Setting.of("STOWAGE_DEV_WORKER_HTTP_PORT", "8081",
            "Port of the ingest worker's /healthz, /readyz and /metrics.", Values::port);

    /** The worker settings that dev decides itself: where Kafka and the server are. */
    private static final Set<Setting<?>> DERIVED = Set.of(IngestConfig.BOOTSTRAP_SERVERS, ClientSettings.SERVER,
            ProcessSettings.HTTP_PORT, IngestConfig.KAFKA_PROPERTIES_FILE);

    /** Topics that dev leaves out by default: where replay restores to in the README's examples. */
    static final String RESTORED_TOPICS = ".*-restored";

    private CommandSpec spec;

    static List<Setting<?>> settings() {
        List<Setting<?>> all = new ArrayList<>(Setting.declaredIn(DevCommand.class));
        all.addAll(ServerConfig.SETTINGS);
        for (Setting<?> s : IngestConfig.SETTINGS) {
            if (!DERIVED.contains(s) && all.stream().noneMatch(o -> o.env().equals(s.env()))) {
                all.add(s);
            }
        }
        return all;
    }

    static CommandSpec commandSpec() {
        DevCommand command = new DevCommand();
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
        spec.name("dev").mixinStandardHelpOptions(true);
        spec.usageMessage().description(
                "Run everything on one machine in one process: an embedded Kafka broker (KRaft), the api-server on"
                        + " the embedded default (PostgreSQL and segment files) and the ingest worker. All data is"
                        + " under STOWAGE_DATA_DIR and survives a restart. Ctrl-C stops everything cleanly.",
                "Takes the settings of 'stowage server' and 'stowage ingest'; Kafka and the server address are"
                        + " set by dev itself.");
        SettingOptions.addTo(spec, settings());
        command.spec = spec;
        return spec;
    }

    @Override
    public Integer call() throws InterruptedException {
        SettingsSource source = SettingOptions.source(spec.commandLine().getParseResult(), settings(),
                withDevVeto(System.getenv()));
        ServerConfig serverConfig = ServerConfig.from(source);
        IngestConfig ingestConfig = IngestConfig.from(source);
        int kafkaPort = source.get(KAFKA_PORT);
        int workerHttpPort = source.get(WORKER_HTTP_PORT);

        // before Kafka starts: a taken port is then one line that names the setting, not pages of stack traces
        new Ports().check("127.0.0.1", kafkaPort, KAFKA_PORT)
                .check(serverConfig.grpcHost(), serverConfig.grpcPort(), ServerConfig.GRPC_PORT)
                .check(serverConfig.httpAddress(), serverConfig.httpPort(), ProcessSettings.HTTP_PORT)
                .check(serverConfig.httpAddress(), workerHttpPort, WORKER_HTTP_PORT)
                .requireFree("stowage dev", "make run");
        LocalKafka kafka = LocalKafka.start(serverConfig.dataDir().resolve("kafka"), kafkaPort);
        ServerLauncher server = null;
        IngestRuntime worker = null;
        try {
            server = ServerLauncher.start(serverConfig);
            String target = "127.0.0.1:" + server.server().port();
            // on one machine a topic made a moment ago should be archived at once, not in 30 s
            java.time.Duration refresh = specified(source) ? source.get(IngestConfig.TOPIC_REFRESH)
                    : java.time.Duration.ofSeconds(2);
            worker = IngestRuntime.start(ingestConfig.with(target, kafka.bootstrapServers(), workerHttpPort, refresh),
                    ClientOptions.builder(ingestConfig.client().withServer(target)));
        } catch (RuntimeException | InterruptedException e) {
            if (server != null) {
                server.close();
            }
            kafka.close();
            throw e;
        }
        ServerLauncher startedServer = server;
        IngestRuntime startedWorker = worker;
        Shutdown.onStop("stowage-dev-stop", () -> {
            // the worker first, so that what it read is acknowledged and committed before the server goes
            startedWorker.close();
            startedServer.close();
            kafka.close();
        });
        printBanner(System.out, kafka, startedServer, startedWorker, serverConfig);
        startedServer.awaitTermination();
        return StowageCommand.ExitCodes.OK;
    }

    /**
     * The settings, with topics named *-restored added to the default veto: a replay into the dev
     * broker (replay --to-topic alerts-restored) should not be archived a second time. A veto given
     * as a flag or variable is taken as it is (a flag wins over this).
     */
    static Map<String, String> withDevVeto(Map<String, String> env) {
        if (env.containsKey(IngestConfig.VETO.env())) {
            return env;
        }
        Map<String, String> with = new HashMap<>(env);
        with.put(IngestConfig.VETO.env(), TopicFilter.DEFAULT_VETO + "," + RESTORED_TOPICS);
        return with;
    }

    /** Whether STOWAGE_TOPIC_REFRESH was given (as a flag or variable) rather than left at its default. */
    private boolean specified(SettingsSource source) {
        return spec.commandLine().getParseResult().hasMatchedOption(IngestConfig.TOPIC_REFRESH.flag())
                || source.environment().containsKey(IngestConfig.TOPIC_REFRESH.env());
    }

    private static void printBanner(PrintStream out, LocalKafka kafka, ServerLauncher server, IngestRuntime worker,
            ServerConfig config) {
        int port = server.server().port();
        out.println();
        out.println("Stowage dev is running: Kafka, the api-server and the ingest worker, in one process.");
        out.println("  Kafka      " + kafka.bootstrapServers() + "  (KRaft, cluster " + kafka.clusterId() + ")");
        out.println("  gRPC API   localhost:" + port + "  (health and reflection on)");
        out.println("  metrics    http://localhost:" + server.server().httpPort() + "/metrics (server), http://localhost:"
                + worker.httpPort() + "/metrics (worker)");
        out.println("  data       " + config.dataDir().toAbsolutePath().normalize()
                + "  (kafka, postgres, segments; survives a restart)");
        server.psql(config.dbSchema()).ifPresent(psql -> out.println("  index      " + psql + "   (\\d+ lists the tables)"));
        out.println();
        out.println("Produce a record with kcat, then read it back with grpcurl (or buf curl):");
        out.println("  echo '{\"hello\":\"world\"}' | kcat -P -b " + kafka.bootstrapServers()
                + " -t demo -H ce_id=hello-1");
        out.println("  grpcurl " + ServerCommand.grpcurlFlags(config) + " -d '{\"ids\":[\"hello-1\"]}' localhost:" + port
                + " stowage.v1.Messages/GetBatch");
        out.println("  grpcurl " + ServerCommand.grpcurlFlags(config) + " -d '{\"stream\":\"demo\",\"ids_only\":true}' localhost:" + port
                + " stowage.v1.Messages/Scan");
        out.println("or with the stowage command alone (no kcat or grpcurl needed):");
        out.println("  bin/stowage publish --bootstrap " + kafka.bootstrapServers() + " --topic demo --count 10");
        out.println("  bin/stowage ids --stream demo --server localhost:" + port);
        out.println("  bin/stowage replay --stream demo --to-topic demo-restored --bootstrap " + kafka.bootstrapServers()
                + " --server localhost:" + port);
        out.println();
        out.println("Stop with Ctrl-C.");
        out.flush();
    }
}
