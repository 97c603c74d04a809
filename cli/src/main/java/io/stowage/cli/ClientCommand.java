package io.stowage.cli;

import io.grpc.Status;
import io.stowage.client.StowageClient;
import io.stowage.client.StowageException;
import io.stowage.common.config.ClientSettings;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A command that calls the api-server: it takes the connection settings ({@code --server},
 * token, TLS) as flags or environment variables, and {@code --json} for output that programs read.
 */
abstract class ClientCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "Print JSON (one object per line) instead of text.")
    boolean json;

    /** The annotated command with the client settings added as options. */
    static CommandSpec spec(ClientCommand command) {
        CommandSpec spec = CommandSpec.forAnnotatedObject(command);
        SettingOptions.addTo(spec, ClientSettings.SETTINGS);
        return spec;
    }

    @Override
    public final Integer call() throws Exception {
        ClientSettings settings = ClientSettings.from(
                SettingOptions.source(spec.commandLine().getParseResult(), ClientSettings.SETTINGS));
        ServerProbe.requireListening(settings.server());
        try (StowageClient client = ClientOptions.builder(settings).build()) {
            return run(client, new Output(json));
        } catch (StowageException e) {
            throw new StowageException(e.getMessage() + explain(e, settings), e.code(), e);
        }
    }

    abstract int run(StowageClient client, Output out) throws Exception;

    private static String explain(StowageException e, ClientSettings settings) {
        if ((e.code() == Status.Code.INTERNAL || e.code() == Status.Code.UNAVAILABLE || e.code() == Status.Code.UNKNOWN)
                && !settings.tls() && ServerProbe.answersHttp1(settings.server())) {
            return " (" + settings.server() + " answers HTTP/1.1: that is an HTTP port, such as Stowage's metrics and"
                    + " health port (STOWAGE_HTTP_PORT, 8080 by default), not its gRPC API; use the gRPC port, 50051 unless"
                    + " STOWAGE_GRPC_PORT says otherwise)";
        }
        return switch (e.code()) {
            case UNAVAILABLE -> " (is the api-server running at " + settings.server() + "? set --server or STOWAGE_SERVER"
                    + (settings.tls() ? "" : "; if it uses TLS, set STOWAGE_TLS or STOWAGE_TLS_CA") + ")";
            case UNAUTHENTICATED -> " (set --token or STOWAGE_TOKEN)";
            default -> "";
        };
    }
}
