package io.stowage.server.clean;

import io.stowage.common.config.Values;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How long messages are kept, by message time: a default for every stream and overrides per
 * stream. An empty period means keep forever.
 */
public record RetentionPolicy(Optional<Duration> defaultPeriod, Map<String, Optional<Duration>> perStream) {

    public static final RetentionPolicy KEEP_FOREVER = new RetentionPolicy(Optional.empty(), Map.of());

    public RetentionPolicy {
        perStream = Map.copyOf(perStream);
    }

    public Optional<Duration> periodFor(String stream) {
        return perStream.getOrDefault(stream, defaultPeriod);
    }

    /** The longest period of the default and the overrides; empty when any of them keeps forever. */
    public Optional<Duration> longestPeriod() {
        Optional<Duration> longest = defaultPeriod;
        for (Optional<Duration> p : perStream.values()) {
            if (longest.isEmpty() || p.isEmpty()) {
                return Optional.empty();
            }
            longest = p.get().compareTo(longest.get()) > 0 ? p : longest;
        }
        return longest;
    }

    /**
     * Reads overrides written {@code stream=period,stream=period}, such as
     * {@code alerts=720h,heartbeat=24h,audit=forever}.
     */
    public static Map<String, Optional<Duration>> parseOverrides(String text) {
        Map<String, Optional<Duration>> overrides = new LinkedHashMap<>();
        if (text.isBlank()) {
            return overrides;
        }
        for (String item : text.split(",")) {
            int eq = item.lastIndexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected stream=period pairs separated by commas, such as"
                        + " alerts=720h,audit=forever");
            }
            overrides.put(item.substring(0, eq).trim(), Values.optionalDuration(item.substring(eq + 1).trim()));
        }
        return overrides;
    }
}
