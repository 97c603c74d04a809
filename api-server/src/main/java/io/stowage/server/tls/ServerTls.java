package io.stowage.server.tls;

import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.x500.X500Principal;

/**
 * The gRPC server's TLS: its certificate chain and key, and optionally the certificate
 * authorities whose client certificates it requires (mutual TLS). With TLS, the server speaks
 * nothing else: a plaintext connection fails.
 *
 * @param chain the server certificate first, then any intermediates
 * @param clientCas when present, clients must present a certificate signed by one of these
 */
public record ServerTls(Path certFile, List<X509Certificate> chain, PrivateKey key,
        Optional<List<X509Certificate>> clientCas) {

    public ServerTls {
        chain = List.copyOf(chain);
        clientCas = clientCas.map(List::copyOf);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("no certificate");
        }
    }

    /** Whether clients must present a certificate. */
    public boolean mutual() {
        return clientCas.isPresent();
    }

    /** The server certificate (the first of the chain). */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /**
     * True when {@code key} is the private key of {@code certificate}: a signature made with the
     * key verifies with the certificate's public key.
     */
    public static boolean keyMatches(PrivateKey key, X509Certificate certificate) {
        PublicKey pub = certificate.getPublicKey();
        if (!pub.getAlgorithm().equals(key.getAlgorithm())
                && !(pub.getAlgorithm().startsWith("Ed") && key.getAlgorithm().startsWith("Ed"))) {
            return false;
        }
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm(); // EdDSA, Ed25519, Ed448
        };
        try {
            byte[] probe = new byte[32];
            new SecureRandom().nextBytes(probe);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(pub);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** When the server certificate is outside its validity period at {@code now}, why. */
    public Optional<String> validityProblem(Instant now) {
        X509Certificate cert = certificate();
        if (now.isAfter(cert.getNotAfter().toInstant())) {
            return Optional.of("the certificate in " + certFile + " expired on " + cert.getNotAfter().toInstant());
        }
        if (now.isBefore(cert.getNotBefore().toInstant())) {
            return Optional.of("the certificate in " + certFile + " is valid only from "
                    + cert.getNotBefore().toInstant());
        }
        return Optional.empty();
    }

    /** gRPC server credentials of this TLS configuration. */
    public ServerCredentials credentials() {
        try {
            char[] password = "stowage".toCharArray(); // of an in-memory key store only
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("server", key, password, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, password);
            TlsServerCredentials.Builder tls = TlsServerCredentials.newBuilder().keyManager(kmf.getKeyManagers());
            if (clientCas.isPresent()) {
                KeyStore trusted = KeyStore.getInstance("PKCS12");
                trusted.load(null, null);
                List<X509Certificate> cas = clientCas.get();
                for (int i = 0; i < cas.size(); i++) {
                    trusted.setCertificateEntry("client-ca-" + i, cas.get(i));
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trusted);
                tls.trustManager(tmf.getTrustManagers()).clientAuth(TlsServerCredentials.ClientAuth.REQUIRE);
            }
            return tls.build();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("could not set up TLS with the certificate in " + certFile, e);
        }
    }

    /** Where the certificate comes from and whether clients need one; never the key. */
    @Override
    public String toString() {
        return "TLS with " + certFile + " (" + certificate().getSubjectX500Principal().getName(
                X500Principal.RFC2253) + ")" + (mutual() ? ", client certificates required" : "");
    }
}
