package io.stowage.server.tls;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Certificates and private keys from PEM files, as openssl and cert-manager write them: keys in
 * PKCS#8 ({@code PRIVATE KEY}), PKCS#1 ({@code RSA PRIVATE KEY}) or SEC1 ({@code EC PRIVATE KEY}),
 * unencrypted. Failures are {@link IllegalArgumentException}s that say what to do.
 */
public final class Pem {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----\\R(.*?)-----END \\1-----", Pattern.DOTALL);
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "EdDSA"};
    /** DER of the AlgorithmIdentifier of an RSA key: rsaEncryption, NULL parameters. */
    private static final byte[] RSA_ALGORITHM = hex("300d06092a864886f70d0101010500");
    /** DER of the OID id-ecPublicKey. */
    private static final byte[] EC_PUBLIC_KEY_OID = hex("06072a8648ce3d0201");

    private Pem() {}

    /** The certificates of a PEM file, in file order (a chain: the leaf first). */
    public static List<X509Certificate> certificates(Path file) {
        String text = read(file);
        List<X509Certificate> certificates = new ArrayList<>();
        Matcher m = BLOCK.matcher(text);
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            while (m.find()) {
                if (m.group(1).equals("CERTIFICATE")) {
                    certificates.add((X509Certificate) factory.generateCertificate(
                            new ByteArrayInputStream(base64(m.group(2), file))));
                }
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException(file + " holds a certificate that cannot be read: " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        return certificates;
    }

    /** The private key of a PEM file. */
    public static PrivateKey privateKey(Path file) {
        String text = read(file);
        if (text.contains("ENCRYPTED")) {
            throw new IllegalArgumentException(file + " holds an encrypted key: give it unencrypted, e.g."
                    + " openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem");
        }
        Matcher m = BLOCK.matcher(text);
        while (m.find()) {
            byte[] der = base64(m.group(2), file);
            switch (m.group(1)) {
                case "PRIVATE KEY":
                    return pkcs8(der, file);
                case "RSA PRIVATE KEY":
                    return pkcs8(sequence(integerZero(), RSA_ALGORITHM, octetString(der)), file);
                case "EC PRIVATE KEY":
                    return pkcs8(sequence(integerZero(), sequence(EC_PUBLIC_KEY_OID, sec1Curve(der, file)),
                            octetString(der)), file);
                default:
                    // certificates or parameters in the same file: look further
            }
        }
        throw new IllegalArgumentException(file + " holds no PEM private key (-----BEGIN PRIVATE KEY-----)");
    }

    private static PrivateKey pkcs8(byte[] der, Path file) {
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (InvalidKeySpecException e) {
                // another algorithm
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("this Java runtime lacks " + algorithm, e);
            }
        }
        throw new IllegalArgumentException(file + " holds a private key of a kind that is not supported:"
                + " use an RSA, EC or Ed25519 key");
    }

    private static String read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " is not a file");
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(file + " is not readable by this process");
        }
        try {
            return Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e, e);
        }
    }

    private static byte[] base64(String body, Path file) {
        try {
            return Base64.getMimeDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " is not valid PEM: " + e.getMessage(), e);
        }
    }

    /** The named curve of a SEC1 ECPrivateKey: its [0] parameters, an OID (RFC 5915). */
    private static byte[] sec1Curve(byte[] der, Path file) {
        try {
            int[] outer = header(der, 0);
            if (der[0] != 0x30) {
                throw new IndexOutOfBoundsException();
            }
            int pos = outer[0];
            int end = outer[0] + outer[1];
            while (pos < end) {
                int[] h = header(der, pos);
                if ((der[pos] & 0xff) == 0xa0) {
                    byte[] oid = Arrays.copyOfRange(der, h[0], h[0] + h[1]);
                    if (oid[0] == 0x06) {
                        return oid;
                    }
                }
                pos = h[0] + h[1];
            }
        } catch (IndexOutOfBoundsException e) {
            throw new IllegalArgumentException(file + " holds an EC PRIVATE KEY that cannot be read", e);
        }
        throw new IllegalArgumentException(file + " holds an EC key that does not name its curve: convert it with"
                + " openssl pkcs8 -topk8 -nocrypt -in " + file + " -out key.pem");
    }

    /** The start of the content and its length, of the DER element at {@code pos}. */
    private static int[] header(byte[] der, int pos) {
        int first = der[pos + 1] & 0xff;
        if (first < 0x80) {
            return new int[] {pos + 2, first};
        }
        int n = first & 0x7f;
        if (n == 0 || n > 3) {
            throw new IndexOutOfBoundsException("unsupported DER length");
        }
        int length = 0;
        for (int i = 0; i < n; i++) {
            length = (length << 8) | (der[pos + 2 + i] & 0xff);
        }
        return new int[] {pos + 2 + n, length};
    }

    private static byte[] integerZero() {
        return new byte[] {0x02, 0x01, 0x00};
    }

    private static byte[] octetString(byte[] content) {
        return element(0x04, content);
    }

    private static byte[] sequence(byte[]... parts) {
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            content.writeBytes(p);
        }
        return element(0x30, content.toByteArray());
    }

    private static byte[] element(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length);
        } else {
            out.write(0x83);
            out.write(length >> 16);
            out.write(length >> 8);
            out.write(length);
        }
        out.writeBytes(content);
        return out.toByteArray();
    }

    private static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
