package io.stowage.server.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * Certificate authorities and certificates made on the fly, for TLS tests: a CA, server
 * certificates for localhost and 127.0.0.1, client certificates, written as PEM files.
 */
public final class TestPki {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private TestPki() {}

    /** The kind of key pair. */
    public enum KeyKind { EC, RSA }

    /** A certificate and its key pair. */
    public record Issued(X509Certificate certificate, KeyPair keys) {
        /** Writes the certificate as PEM. */
        public Path writeCertificate(Path file) {
            return write(file, pem(certificate));
        }

        /** Writes the private key as PKCS#8 PEM ({@code PRIVATE KEY}). */
        public Path writeKey(Path file) {
            try {
                return write(file, pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * Writes the private key in the older formats that cert-manager and openssl also write:
         * PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1 with its curve ({@code EC PRIVATE KEY}).
         */
        public Path writeTraditionalKey(Path file) {
            try {
                PemObject pem;
                if (keys.getPrivate() instanceof ECPrivateKey ec) {
                    pem = new PemObject("EC PRIVATE KEY", new org.bouncycastle.asn1.sec.ECPrivateKey(256, ec.getS(),
                            SECObjectIdentifiers.secp256r1).getEncoded());
                } else {
                    pem = new PemObject("RSA PRIVATE KEY", PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded())
                            .parsePrivateKey().toASN1Primitive().getEncoded());
                }
                return write(file, pem(pem));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** A certificate authority that signs server and client certificates. */
    public static final class Authority {
        private final Issued self;
        private final X500Name name;

        private Authority(String commonName) {
            this.name = new X500Name("CN=" + commonName);
            KeyPair keys = keyPair(KeyKind.EC);
            this.self = sign(name, keys, name, keys.getPrivate(), true, null, List.of());
        }

        public Issued certificate() {
            return self;
        }

        public Path writeCertificate(Path file) {
            return self.writeCertificate(file);
        }

        /** A server certificate valid for localhost and 127.0.0.1. */
        public Issued server(String commonName, KeyKind kind) {
            List<GeneralName> names = new ArrayList<>();
            names.add(new GeneralName(GeneralName.dNSName, "localhost"));
            names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
            return sign(new X500Name("CN=" + commonName), keyPair(kind), name, self.keys().getPrivate(), false,
                    KeyPurposeId.id_kp_serverAuth, names);
        }

        /** A client certificate, for mutual TLS. */
        public Issued client(String commonName) {
            return sign(new X500Name("CN=" + commonName), keyPair(KeyKind.EC), name, self.keys().getPrivate(), false,
                    KeyPurposeId.id_kp_clientAuth, List.of());
        }
    }

    public static Authority authority(String commonName) {
        return new Authority(commonName);
    }

    private static Issued sign(X500Name subject, KeyPair keys, X500Name issuer, PrivateKey issuerKey,
            boolean ca, KeyPurposeId purpose, List<GeneralName> altNames) {
        Instant now = Instant.now();
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject,
                    keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (ca) {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                b.addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            }
            if (!altNames.isEmpty()) {
                b.addExtension(Extension.subjectAlternativeName, false,
                        new GeneralNames(altNames.toArray(GeneralName[]::new)));
            }
            String algorithm = issuerKey.getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder(algorithm).build(issuerKey)));
            return new Issued(cert, keys);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keyPair(KeyKind kind) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(kind.name());
            if (kind == KeyKind.EC) {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            } else {
                generator.initialize(2048);
            }
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static Path write(Path file, String text) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
