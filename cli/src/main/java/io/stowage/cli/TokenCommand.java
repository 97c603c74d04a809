package io.stowage.cli;

import io.stowage.server.auth.Role;
import io.stowage.server.auth.TokenFile;
import io.stowage.server.auth.Tokens;
import java.io.PrintWriter;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code stowage token}: makes a new random token and the line of the tokens file that accepts
 * it. The server keeps only the line (the token's SHA-256), so the token is shown only here.
 */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = {
            "Make a new random bearer token and its line for the tokens file (STOWAGE_TOKENS_FILE).",
            "Give the token to the client (STOWAGE_TOKEN) and add the line to the server's tokens file, then"
                    + " restart the server. The file holds only the token's SHA-256: the token is shown once, here."},
        footer = {"", "Example: stowage token --roles write --name ingest-worker"})
final class TokenCommand implements Callable<Integer> {
    /** 256 random bits. */
    private static final int TOKEN_BYTES = 32;

    @Spec
    CommandSpec spec;

    @Option(names = "--roles", paramLabel = "<role>[,<role>...]", required = true,
            description = "What the token may do: read (GetBatch, Scan, Status), write (PutBatch), delete"
                    + " (DeleteBatch), admin (Clean, Verify); comma-separated.")
    String roles;

    @Option(names = "--name", paramLabel = "<name>", defaultValue = "",
            description = "Who holds the token; the server's log names callers with it.")
    String name;

    @Override
    public Integer call() {
        Set<Role> parsed;
        try {
            parsed = Role.parseList(roles);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--roles: " + e.getMessage());
        }
        String token = newToken();
        PrintWriter out = spec.commandLine().getOut();
        out.println("# the token, for the client (STOWAGE_TOKEN); it is not stored anywhere else:");
        out.println(token);
        out.println("# the line for the server's tokens file (STOWAGE_TOKENS_FILE):");
        out.println(TokenFile.line(Tokens.sha256Hex(token), parsed, name));
        out.flush();
        return StowageCommand.ExitCodes.OK;
    }

    /** A token of 256 random bits, URL-safe Base64 without padding (43 characters). */
    static String newToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
