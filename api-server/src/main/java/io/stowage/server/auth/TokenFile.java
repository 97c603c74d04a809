package io.stowage.server.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The tokens file ({@code STOWAGE_TOKENS_FILE}): one line per token,
 * <pre>
 * # comment
 * &lt;sha256 hex of the token&gt; &lt;role&gt;[,&lt;role&gt;...] [name]
 * </pre>
 * {@code #} starts a comment, blank lines are ignored, the name (the rest of the line) appears in
 * the log; without one the token is named after the start of its hash. Only hashes are stored,
 * so the file (a Kubernetes Secret, say) holds nothing a client could present.
 */
public final class TokenFile {
    /** The expected form of a line, for error messages. */
    public static final String FORMAT = "'<sha256 hex of the token> <role>[,<role>...] [name]'";
    private static final Pattern HEX_SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern FIELDS = Pattern.compile("\\s+");

    private TokenFile() {}

    /** Reads the file; throws {@link IllegalArgumentException} naming the line of an error. */
    public static Tokens read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": " + describe(e), e);
        }
        return parse(lines);
    }

    /** Reads the lines of a tokens file; throws {@link IllegalArgumentException} naming the line of an error. */
    public static Tokens parse(List<String> lines) {
        List<Tokens.Entry> entries = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            int lineNumber = i + 1;
            String line = lines.get(i);
            int comment = line.indexOf('#');
            String content = (comment >= 0 ? line.substring(0, comment) : line).strip();
            if (content.isEmpty()) {
                continue;
            }
            String[] fields = FIELDS.split(content, 3);
            if (fields.length < 2) {
                throw new IllegalArgumentException("line " + lineNumber + ": expected " + FORMAT
                        + ", found a single field");
            }
            String hash = fields[0];
            // never echo the field: it may be a token pasted by mistake instead of its hash
            if (!HEX_SHA256.matcher(hash).matches()) {
                throw new IllegalArgumentException("line " + lineNumber + ": the first field must be the SHA-256 of"
                        + " the token as 64 hex digits (it has " + hash.length() + " characters); 'stowage token'"
                        + " makes a token and its line");
            }
            hash = hash.toLowerCase(Locale.ROOT);
            Set<Role> roles;
            try {
                roles = Role.parseList(fields[1]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + lineNumber + ": " + e.getMessage(), e);
            }
            Integer earlier = seen.putIfAbsent(hash, lineNumber);
            if (earlier != null) {
                throw new IllegalArgumentException("line " + lineNumber + ": the same token as line " + earlier
                        + "; give each token one line, with all its roles");
            }
            String name = fields.length == 3 ? fields[2].strip() : "token-" + hash.substring(0, 8);
            entries.add(new Tokens.Entry(HexFormat.of().parseHex(hash), new Caller(name, roles)));
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("it holds no token, so every call would be refused: add a line "
                    + FORMAT + " (stowage token makes one)");
        }
        return new Tokens(entries);
    }

    /** The line of the tokens file for a token with this hash, roles and name (which may be empty). */
    public static String line(String sha256Hex, Set<Role> roles, String name) {
        if (!HEX_SHA256.matcher(sha256Hex).matches()) {
            throw new IllegalArgumentException("expected the SHA-256 of a token as 64 hex digits");
        }
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("a token needs at least one role");
        }
        String cleanName = name == null ? "" : name.replaceAll("[\\s#]+", " ").strip();
        return sha256Hex.toLowerCase(Locale.ROOT) + " " + Role.labels(roles)
                + (cleanName.isEmpty() ? "" : " " + cleanName);
    }

    private static String describe(IOException e) {
        String type = e.getClass().getSimpleName();
        return switch (type) {
            case "NoSuchFileException" -> "no such file";
            case "AccessDeniedException" -> "permission denied";
            case "MalformedInputException" -> "it is not UTF-8 text";
            default -> e.getMessage() == null ? type : e.getMessage();
        };
    }
}
