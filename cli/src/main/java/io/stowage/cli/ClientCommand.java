package io.stowage.cli;

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
        try (StowageClient client = ClientOptions.builder(settings).build()) {
            return run(client, new Output(json));
        } catch (StowageException e) {
            throw new StowageException(e.getMessage() + explain(e, settings), e.code(), e);
        }
    }

    abstract int run(StowageClient client, Output out) throws Exception;

    private static String explain(StowageException e, ClientSettings settings) {
        return switch (e.code()) {
            case UNAVAILABLE -> " (is the api-server running at " + settings.server() + "? set --server or STOWAGE_SERVER"
                    + (settings.tls() ? "" : "; if it uses TLS, set STOWAGE_TLS or STOWAGE_TLS_CA") + ")";
            case UNAUTHENTICATED -> " (set --token or STOWAGE_TOKEN)";
            default -> "";
        };
    }
}
