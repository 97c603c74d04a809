package io.stowage.cli;

import io.stowage.common.config.ProcessSettings;
import io.stowage.server.config.ServerConfig;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;

/** {@code stowage server}: the gRPC api-server. */
final class ServerCommand implements Callable<Integer> {
    private CommandSpec spec;

    static CommandSpec commandSpec() {
        ServerCommand command = new ServerCommand();
        CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
        spec.name("server").mixinStandardHelpOptions(true);
        spec.usageMessage().description(
                "Run the api-server: the gRPC API (PutBatch, GetBatch, DeleteBatch, Scan, Clean, Status) over"
                        + " segments in S3 or a local directory and an index in PostgreSQL.",
                "With no STOWAGE_DB_URL it runs an embedded PostgreSQL (a development tool: not in the production"
                        + " distribution), and with no STOWAGE_S3_BUCKET it keeps segments in files, both under"
                        + " STOWAGE_DATA_DIR.",
                "Stops gracefully on SIGTERM or Ctrl-C: calls in flight finish first.");
        SettingOptions.addTo(spec, ServerConfig.SETTINGS);
        command.spec = spec;
        return spec;
    }

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig config = ServerConfig.from(
                SettingOptions.source(spec.commandLine().getParseResult(), ServerConfig.SETTINGS));
        new Ports().check(config.grpcHost(), config.grpcPort(), ServerConfig.GRPC_PORT)
                .check(config.httpAddress(), config.httpPort(), ProcessSettings.HTTP_PORT)
                .requireFree("stowage server", "bin/stowage server");
        ServerLauncher running = ServerLauncher.start(config);
        Shutdown.onStop("stowage-server-stop", running::close);
        printBanner(System.out, config, running);
        running.awaitTermination();
        return StowageCommand.ExitCodes.OK;
    }

    private static void printBanner(PrintStream out, ServerConfig config, ServerLauncher running) {
        int port = running.server().port();
        String target = "localhost:" + port;
        out.println();
        out.println("Stowage api-server is running.");
        out.println("  gRPC API   " + config.grpcHost() + ":" + port + "  (health and reflection on)");
        out.println("  metrics    http://" + httpHost(config.httpAddress()) + ":" + running.server().httpPort()
                + "/metrics  (probes: /healthz, /readyz)");
        out.println("  index      " + running.embeddedPostgres()
                .map(pg -> "embedded PostgreSQL, data in " + pg.dataDir())
                .orElse(config.dbUrl().orElse("")));
        out.println("  segments   " + running.server().storage().blobs().location());
        running.psql(config.dbSchema()).ifPresent(psql -> out.println("  psql       " + psql + "   (\\d+ lists the tables)"));
        out.println();
        out.println("Put and get a message (grpcurl, or 'buf curl --protocol grpc --http2-prior-knowledge'):");
        out.println("  grpcurl " + grpcurlFlags(config) + " -d '{\"msgs\":[{\"id\":\"3426d090-1b8a-4a09-ac9c-41f2de24d5ac\","
                + "\"type\":\"example.type\",\"source\":\"example/uri\",\"spec_version\":\"1.0\","
                + "\"text_data\":\"Try not. Do or do not.\"}]}' " + target + " stowage.v1.Messages/PutBatch");
        out.println("  grpcurl " + grpcurlFlags(config) + " -d '{\"ids\":[\"3426d090-1b8a-4a09-ac9c-41f2de24d5ac\"]}' " + target
                + " stowage.v1.Messages/GetBatch");
        out.println();
        out.println("Stop with Ctrl-C.");
        out.flush();
    }

    /** A host to put in a URL: localhost when listening on every address. */
    private static String httpHost(String listenHost) {
        if (listenHost.equals("0.0.0.0") || listenHost.equals("::") || listenHost.equals("[::]")) {
            return "localhost";
        }
        return listenHost.contains(":") && !listenHost.startsWith("[") ? "[" + listenHost + "]" : listenHost;
    }

    /** grpcurl's connection flags for this server: -plaintext, or the CA and certificate to use over TLS. */
    static String grpcurlFlags(io.stowage.server.config.ServerConfig config) {
        if (config.tls().isEmpty()) {
            return "-plaintext";
        }
        return "-cacert <ca.pem>" + (config.tls().get().clientCas().isEmpty() ? "" : " -cert <client.pem> -key <client-key.pem>")
                + (config.tokens().isPresent() ? " -H 'authorization: Bearer <token>'" : "");
    }
}
