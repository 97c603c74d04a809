package io.stowage.common.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsers for the kinds of values settings take. Each failure says what is accepted. */
public final class Values {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|KiB|MB|MiB|GB|GiB)?", Pattern.CASE_INSENSITIVE);

    private Values() {}

    public static String string(String text) {
        return text;
    }

    public static Path path(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("expected a path");
        }
        return Path.of(text);
    }

    public static int port(String text) {
        int port = integer(text);
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("expected a port number from 0 to 65535 (0 picks a free port)");
        }
        return port;
    }

    public static int positiveInt(String text) {
        int value = integer(text);
        if (value <= 0) {
            throw new IllegalArgumentException("expected a whole number greater than 0");
        }
        return value;
    }

    public static double ratio(String text) {
        try {
            double value = Double.parseDouble(text);
            if (value >= 0 && value <= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("expected a number from 0 to 1");
    }

    public static boolean bool(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
        };
    }

    /** A duration such as {@code 500ms}, {@code 30s}, {@code 15m}, {@code 168h} or {@code 7d}; units may be combined ({@code 1h30m}). */
    public static Duration duration(String text) {
        String compact = text.replace(" ", "").toLowerCase(Locale.ROOT);
        Matcher m = DURATION.matcher(compact);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            });
            end = m.end();
        }
        if (end == 0 || end != compact.length()) {
            throw new IllegalArgumentException("expected a duration such as 30s, 15m, 168h or 7d");
        }
        return total;
    }

    /** A time such as {@code 2024-05-01T12:00:00Z}, or a day {@code 2024-05-01} meaning its start in UTC. */
    public static Instant timeOrDay(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return LocalDate.parse(text).atStartOfDay().toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e2) {
                throw new IllegalArgumentException("'" + text + "' is not a time: use 2024-05-01T12:00:00Z or 2024-05-01");
            }
        }
    }

    /** A duration, or {@code forever}/{@code off}/{@code 0} for none. */
    public static Optional<Duration> optionalDuration(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        if (t.equals("forever") || t.equals("off") || t.equals("never") || t.equals("0") || t.equals("none")) {
            return Optional.empty();
        }
        try {
            Duration d = duration(t);
            return d.isZero() ? Optional.empty() : Optional.of(d);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("expected a duration such as 30s, 15m, 168h or 7d, or 'forever'");
        }
    }

    /** A size in bytes: {@code 1048576}, {@code 512KiB}, {@code 4MiB}, {@code 1GiB} (KB/MB/GB are powers of 1000). */
    public static long dataSize(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("expected a size such as 1048576, 512KiB, 4MiB or 1GiB");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
        long factor = switch (unit) {
            case "KB" -> 1000L;
            case "KIB" -> 1024L;
            case "MB" -> 1000L * 1000;
            case "MIB" -> 1024L * 1024;
            case "GB" -> 1000L * 1000 * 1000;
            case "GIB" -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        return Math.multiplyExact(n, factor);
    }

    /** A size that fits an int, such as a message size limit. */
    public static int intDataSize(String text) {
        long size = dataSize(text);
        if (size <= 0 || size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("expected a size from 1 byte to 2GiB");
        }
        return (int) size;
    }

    private static int integer(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected a whole number");
        }
    }
}
