package io.stowage.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.server.testing.TestPki;
import io.stowage.server.testing.TestPki.Issued;
import io.stowage.server.testing.TestPki.KeyKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemTest {
    static final TestPki.Authority CA = TestPki.authority("pem test ca");

    @TempDir
    Path dir;

    @Test
    void readsKeysInPkcs8Pkcs1AndSec1() {
        for (KeyKind kind : KeyKind.values()) {
            Issued server = CA.server("server-" + kind, kind);
            PrivateKey pkcs8 = Pem.privateKey(server.writeKey(dir.resolve(kind + "-pkcs8.pem")));
            PrivateKey traditional = Pem.privateKey(server.writeTraditionalKey(dir.resolve(kind + "-trad.pem")));

            assertThat(pkcs8.getEncoded()).as(kind.name()).isEqualTo(server.keys().getPrivate().getEncoded());
            assertThat(traditional.getAlgorithm()).isEqualTo(kind.name());
            assertThat(ServerTls.keyMatches(traditional, server.certificate())).as(kind.name()).isTrue();
            assertThat(ServerTls.keyMatches(pkcs8, server.certificate())).isTrue();
        }
        assertThat(Files.exists(dir.resolve("EC-trad.pem"))).isTrue();
    }

    @Test
    void readsAChainInFileOrderIgnoringTextAroundIt() throws Exception {
        Issued server = CA.server("server", KeyKind.EC);
        Path chain = dir.resolve("chain.pem");
        Files.writeString(chain, "Bag Attributes\n    friendlyName: server\n"
                + Files.readString(server.writeCertificate(dir.resolve("leaf.pem")))
                + "subject=CN = ca\n" + Files.readString(CA.writeCertificate(dir.resolve("ca.pem"))));

        assertThat(Pem.certificates(chain)).containsExactly(server.certificate(), CA.certificate().certificate());
    }

    @Test
    void keyOfAnotherCertificateDoesNotMatch() {
        Issued one = CA.server("one", KeyKind.EC);
        Issued other = CA.server("other", KeyKind.EC);
        Issued rsa = CA.server("rsa", KeyKind.RSA);

        assertThat(ServerTls.keyMatches(other.keys().getPrivate(), one.certificate())).isFalse();
        assertThat(ServerTls.keyMatches(rsa.keys().getPrivate(), one.certificate())).isFalse();
    }

    @Test
    void saysWhatIsWrongWithAFile() throws Exception {
        Path text = Files.writeString(dir.resolve("text.pem"), "not pem at all\n");
        Path encrypted = Files.writeString(dir.resolve("enc.pem"),
                "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");

        assertThatThrownBy(() -> Pem.certificates(text)).hasMessage(text + " holds no PEM certificate"
                + " (-----BEGIN CERTIFICATE-----)");
        assertThatThrownBy(() -> Pem.privateKey(text)).hasMessage(text + " holds no PEM private key"
                + " (-----BEGIN PRIVATE KEY-----)");
        assertThatThrownBy(() -> Pem.privateKey(encrypted)).hasMessageStartingWith(encrypted
                + " holds an encrypted key: give it unencrypted");
        assertThatThrownBy(() -> Pem.certificates(dir.resolve("none.pem"))).hasMessage(dir.resolve("none.pem")
                + " is not a file");
        assertThat(List.of(text, encrypted)).allSatisfy(f -> assertThat(f).exists());
    }
}
