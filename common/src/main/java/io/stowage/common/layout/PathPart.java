package io.stowage.common.layout;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A stream or type name as one folder name of the archive's layout ({@code stream=<part>/type=<part>}),
 * shared by the segment keys and the exported Parquet folders so both show the same values. Bytes
 * other than ASCII letters, digits, {@code -}, {@code _} and a {@code .} that does not lead become
 * {@code %XX}; the empty name is {@code %}; a very long name keeps its first characters, then
 * {@code ~} and a hash. So no name can leave its folder or hide it.
 */
public final class PathPart {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    /** Longest encoded name: with "stream=" or "type=" a folder name stays well under 255 bytes. */
    public static final int MAX_PART = 200;

    private PathPart() {}

    /** One path part for {@code name}, reversible with {@link #decode}. */
    public static String encode(String name) {
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
        return out.length() <= MAX_PART ? out.toString() : shortened(out, bytes);
    }

    /** The first characters of a long encoding, then ~ and 16 hex digits of the name's SHA-256. */
    private static String shortened(StringBuilder encoded, byte[] name) {
        int cut = MAX_PART - 17;
        while (encoded.charAt(cut - 1) == '%' || (cut > 1 && encoded.charAt(cut - 2) == '%')) {
            cut--; // never split a %XX escape
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(name);
            return encoded.substring(0, cut) + "~" + HexFormat.of().withUpperCase().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The name that {@link #encode} turned into {@code part} (for names short enough to be kept whole). */
    public static String decode(String part) {
        if (part.equals("%")) {
            return "";
        }
        byte[] out = new byte[part.length()];
        int n = 0;
        for (int i = 0; i < part.length(); i++) {
            char ch = part.charAt(i);
            if (ch == '%') {
                out[n++] = (byte) Integer.parseInt(part.substring(i + 1, i + 3), 16);
                i += 2;
            } else {
                out[n++] = (byte) ch;
            }
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }
}
