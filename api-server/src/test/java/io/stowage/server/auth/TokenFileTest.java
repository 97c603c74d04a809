package io.stowage.server.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenFileTest {
    static final String WORKER_TOKEN = "worker-secret";
    static final String OPS_TOKEN = "ops-secret";

    @Test
    void readsTokensSkippingCommentsAndBlankLines() {
        Tokens tokens = TokenFile.parse(List.of(
                "# tokens of the archive",
                "",
                "   ",
                Tokens.sha256Hex(WORKER_TOKEN) + " write ingest-worker   # the worker",
                "\t" + Tokens.sha256Hex(OPS_TOKEN) + "\tread,delete,admin\tops team on call"));

        assertThat(tokens.size()).isEqualTo(2);
        assertThat(tokens.authenticate(WORKER_TOKEN)).hasValue(new Caller("ingest-worker", Set.of(Role.WRITE)));
        assertThat(tokens.authenticate(OPS_TOKEN)).hasValue(new Caller("ops team on call",
                Set.of(Role.READ, Role.DELETE, Role.ADMIN)));
        assertThat(tokens.authenticate("a guess")).isEmpty();
        assertThat(tokens.authenticate("")).isEmpty();
    }

    @Test
    void aTokenWithoutANameIsNamedAfterItsHash() {
        String hash = Tokens.sha256Hex(WORKER_TOKEN).toUpperCase();
        Tokens tokens = TokenFile.parse(List.of(hash + " read"));

        assertThat(tokens.authenticate(WORKER_TOKEN)).hasValueSatisfying(c ->
                assertThat(c.name()).isEqualTo("token-" + hash.substring(0, 8).toLowerCase()));
    }

    @Test
    void theHashIsTheSha256OfTheTokensUtf8Bytes() {
        // the test vector of FIPS 180-2; printf %s abc | sha256sum says the same
        assertThat(Tokens.sha256Hex("abc"))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    @Test
    void aLineThatIsNotAHashIsRefusedWithItsNumberAndWithoutEchoingIt() {
        assertThatThrownBy(() -> TokenFile.parse(List.of("# ok", Tokens.sha256Hex("a") + " read",
                "my-plain-secret-token read")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("line 3: ")
                .hasMessageContaining("64 hex digits")
                .hasMessageNotContaining("my-plain-secret-token");
    }

    @Test
    void anUnknownRoleIsRefusedWithItsLineAndTheRoles() {
        assertThatThrownBy(() -> TokenFile.parse(List.of("", Tokens.sha256Hex("a") + " read,superuser x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("line 2: unknown role 'superuser': the roles are read,write,delete,admin");
    }

    @Test
    void aLineWithoutRolesIsRefused() {
        assertThatThrownBy(() -> TokenFile.parse(List.of(Tokens.sha256Hex("a"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("line 1: expected '<sha256 hex of the token> <role>[,<role>...] [name]'");
        assertThatThrownBy(() -> TokenFile.parse(List.of(Tokens.sha256Hex("a") + " read,,write")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("line 1: unknown role ''");
    }

    @Test
    void theSameTokenTwiceIsRefused() {
        assertThatThrownBy(() -> TokenFile.parse(List.of(Tokens.sha256Hex("a") + " read one",
                "# another", Tokens.sha256Hex("a").toUpperCase() + " write two")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("line 3: the same token as line 1");
    }

    @Test
    void aFileWithoutTokensIsRefused() {
        assertThatThrownBy(() -> TokenFile.parse(List.of("# nothing yet", "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds no token");
    }

    @Test
    void readsAFileAndNamesAFileItCannotRead(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("tokens"), TokenFile.line(Tokens.sha256Hex(WORKER_TOKEN),
                EnumSet.of(Role.WRITE, Role.READ), "ingest worker") + "\n");

        assertThat(Files.readString(file)).isEqualTo(Tokens.sha256Hex(WORKER_TOKEN) + " read,write ingest worker\n");
        assertThat(TokenFile.read(file).authenticate(WORKER_TOKEN)).hasValue(
                new Caller("ingest worker", Set.of(Role.READ, Role.WRITE)));
        assertThatThrownBy(() -> TokenFile.read(dir.resolve("missing")))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(dir.resolve("missing") + ": no such file");
    }

    @Test
    void rolesAreReadFromTheirNames() {
        assertThat(Role.parseList("admin,read")).containsExactlyInAnyOrder(Role.ADMIN, Role.READ);
        assertThat(Role.labels(EnumSet.allOf(Role.class))).isEqualTo("read,write,delete,admin");
        assertThatThrownBy(() -> Role.parse("Admin")).hasMessageStartingWith("unknown role 'Admin'");
    }
}
