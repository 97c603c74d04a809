package io.stowage.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.common.config.ConfigException;
import io.stowage.common.config.SettingsSource;
import io.stowage.server.auth.Role;
import io.stowage.server.auth.TokenFile;
import io.stowage.server.auth.Tokens;
import io.stowage.server.testing.TestPki;
import io.stowage.server.testing.TestPki.Issued;
import io.stowage.server.testing.TestPki.KeyKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS and tokens settings: read and checked at start, with errors that name the variable. */
class ServerSecurityConfigTest {
    static final TestPki.Authority CA = TestPki.authority("config test ca");
    static final Issued SERVER = CA.server("server", KeyKind.EC);

    @TempDir
    Path dir;

    @Test
    void withoutTlsOrTokensTheApiIsPlaintextAndOpen() {
        ServerConfig config = config(Map.of());
        assertThat(config.tls()).isEmpty();
        assertThat(config.tokens()).isEmpty();
    }

    @Test
    void tlsWithAClientCaAndTokens() throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens"), TokenFile.line(Tokens.sha256Hex("t"), Set.of(Role.READ),
                "reader") + "\n");
        ServerConfig config = config(Map.of("STOWAGE_TLS_CERT", cert().toString(), "STOWAGE_TLS_KEY", key().toString(),
                "STOWAGE_TLS_CLIENT_CA", CA.writeCertificate(dir.resolve("ca.pem")).toString(),
                "STOWAGE_TOKENS_FILE", tokens.toString()));

        assertThat(config.tls()).hasValueSatisfying(tls -> {
            assertThat(tls.mutual()).isTrue();
            assertThat(tls.certificate()).isEqualTo(SERVER.certificate());
            assertThat(tls.toString()).contains("CN=server").doesNotContain("PRIVATE");
        });
        assertThat(config.tokens()).hasValueSatisfying(t -> assertThat(t.authenticate("t")).isPresent());
        assertThat(config.withGrpcPort(1).tls()).isEqualTo(config.tls());
        assertThat(config.withHttpPort(1).tokens()).isEqualTo(config.tokens());
    }

    @Test
    void keysInTheFormatsOfCertManagerAndOpensslAreAccepted() {
        for (KeyKind kind : KeyKind.values()) {
            Issued server = CA.server("server", kind);
            ServerConfig config = config(Map.of(
                    "STOWAGE_TLS_CERT", server.writeCertificate(dir.resolve(kind + ".pem")).toString(),
                    "STOWAGE_TLS_KEY", server.writeTraditionalKey(dir.resolve(kind + "-key.pem")).toString()));
            assertThat(config.tls()).as(kind.name()).isPresent();
        }
    }

    @Test
    void certificateAndKeyGoTogether() {
        assertThatThrownBy(() -> config(Map.of("STOWAGE_TLS_CERT", cert().toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessage("STOWAGE_TLS_CERT and STOWAGE_TLS_KEY go together: set both to serve TLS, or neither");
        assertThatThrownBy(() -> config(Map.of("STOWAGE_TLS_KEY", key().toString())))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("STOWAGE_TLS_CERT and STOWAGE_TLS_KEY");
    }

    @Test
    void aClientCaNeedsTls() {
        assertThatThrownBy(() -> config(Map.of("STOWAGE_TLS_CLIENT_CA", cert().toString())))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("STOWAGE_TLS_CLIENT_CA needs TLS");
    }

    @Test
    void aFileThatCannotBeReadIsNamedWithItsVariable() throws Exception {
        Path missing = dir.resolve("missing.pem");
        Path notPem = Files.writeString(dir.resolve("cert.txt"), "hello");

        assertThatThrownBy(() -> config(Map.of("STOWAGE_TLS_CERT", missing.toString(), "STOWAGE_TLS_KEY",
                key().toString())))
                .isInstanceOf(ConfigException.class).hasMessage("STOWAGE_TLS_CERT: " + missing + " is not a file");
        assertThatThrownBy(() -> config(Map.of("STOWAGE_TLS_CERT", cert().toString(), "STOWAGE_TLS_KEY",
                notPem.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessage("STOWAGE_TLS_KEY: " + notPem + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
        assertThatThrownBy(() -> config(Map.of("STOWAGE_TLS_CERT", cert().toString(), "STOWAGE_TLS_KEY",
                key().toString(), "STOWAGE_TLS_CLIENT_CA", notPem.toString())))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("STOWAGE_TLS_CLIENT_CA: ");
    }

    @Test
    void theKeyMustBeTheCertificatesOwn() {
        Path otherKey = CA.server("other", KeyKind.EC).writeKey(dir.resolve("other-key.pem"));

        assertThatThrownBy(() -> config(Map.of("STOWAGE_TLS_CERT", cert().toString(), "STOWAGE_TLS_KEY",
                otherKey.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("STOWAGE_TLS_KEY (" + otherKey + ") is not the key of the certificate in"
                        + " STOWAGE_TLS_CERT (" + cert() + ")");
    }

    @Test
    void aBadTokensFileIsNamedWithTheLine() throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens"), "# ok\n" + Tokens.sha256Hex("t") + " reader\n");

        assertThatThrownBy(() -> config(Map.of("STOWAGE_TOKENS_FILE", tokens.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("STOWAGE_TOKENS_FILE (" + tokens + "): line 2: unknown role 'reader'");
        assertThatThrownBy(() -> config(Map.of("STOWAGE_TOKENS_FILE", dir.resolve("none").toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessage("STOWAGE_TOKENS_FILE: " + dir.resolve("none") + ": no such file");
    }

    private Path cert() {
        return SERVER.writeCertificate(dir.resolve("server.pem"));
    }

    private Path key() {
        return SERVER.writeKey(dir.resolve("server-key.pem"));
    }

    private static ServerConfig config(Map<String, String> env) {
        return ServerConfig.from(new SettingsSource(Map.of(), new HashMap<>(env)));
    }
}
