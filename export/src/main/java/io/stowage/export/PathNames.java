package io.stowage.export;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Stream and type names as one path part each, the way the archive's own layout writes them:
 * bytes other than ASCII letters, digits, {@code -}, {@code _} and {@code .} become {@code %XX}, a
 * leading {@code .} becomes {@code %2E}, the empty name is {@code %}; a very long name keeps its
 * first characters and a hash. So no name can leave its folder, and SQL engines that read
 * hive-style partitions see the same values the archive's layout shows.
 */
final class PathNames {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private static final int MAX_PART = 200;

    private PathNames() {}

    static String encode(String name) {
        if (name.isEmpty()) {
            return "%";
        }
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            boolean plain = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
                    || b == '-' || b == '_' || (b == '.' && i > 0);
            if (plain) {
                out.append((char) b);
            } else {
                out.append('%').append(HEX[b >> 4]).append(HEX[b & 0xf]);
            }
        }
        if (out.length() <= MAX_PART) {
            return out.toString();
        }
        int cut = MAX_PART - 17;
        while (out.charAt(cut - 1) == '%' || out.charAt(cut - 2) == '%') {
            cut--;
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(bytes);
            return out.substring(0, cut) + "~" + HexFormat.of().withUpperCase().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
