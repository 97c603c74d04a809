package io.stowage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.server.auth.Caller;
import io.stowage.server.auth.Role;
import io.stowage.server.auth.TokenFile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class TokenCommandTest {

    @Test
    void printsANewTokenAndTheLineThatAcceptsIt() {
        Run first = run("token", "--roles", "write,read", "--name", "ingest worker");
        Run second = run("token", "--roles", "write");

        assertThat(first.code).isZero();
        List<String> lines = first.out.lines().toList();
        assertThat(lines).hasSize(4);
        String token = lines.get(1);
        assertThat(token).matches("[A-Za-z0-9_-]{43}");
        assertThat(TokenFile.parse(List.of(lines.get(3))).authenticate(token))
                .hasValue(new Caller("ingest worker", Set.of(Role.READ, Role.WRITE)));
        assertThat(lines.get(3)).endsWith(" read,write ingest worker").doesNotContain(token);
        assertThat(second.out.lines().toList().get(1)).isNotEqualTo(token);
    }

    @Test
    void anUnknownRoleIsAUsageError() {
        Run run = run("token", "--roles", "read,root");

        assertThat(run.code).isEqualTo(StowageCommand.ExitCodes.USAGE);
        assertThat(run.err).contains("--roles: unknown role 'root': the roles are read,write,delete,admin");
        assertThat(run.out).isEmpty();
    }

    private static Run run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    private record Run(int code, String out, String err) {}
}
