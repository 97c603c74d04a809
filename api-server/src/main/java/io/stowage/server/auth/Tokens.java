package io.stowage.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The tokens the server accepts, known only by their SHA-256, so that the file holding them
 * gives nobody a usable token.
 */
public final class Tokens {
    private final List<Entry> entries;

    /** One accepted token: the SHA-256 of its UTF-8 bytes, and who presents it. */
    public record Entry(byte[] sha256, Caller caller) {
        public Entry {
            sha256 = sha256.clone();
        }
    }

    public Tokens(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * The caller that presents {@code token}, if the token is known. Every entry is compared, in
     * constant time, so the time taken does not tell how close a guess came.
     */
    public Optional<Caller> authenticate(String token) {
        byte[] hash = sha256(token);
        Caller found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(e.sha256, hash)) {
                found = e.caller;
            }
        }
        return Optional.ofNullable(found);
    }

    public int size() {
        return entries.size();
    }

    /** The SHA-256 of the token's UTF-8 bytes. */
    public static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The SHA-256 of the token as the tokens file holds it: 64 lowercase hex digits. */
    public static String sha256Hex(String token) {
        return HexFormat.of().formatHex(sha256(token));
    }

    @Override
    public String toString() {
        return entries.size() + " tokens";
    }
}
