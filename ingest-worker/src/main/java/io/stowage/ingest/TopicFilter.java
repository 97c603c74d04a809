package io.stowage.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which topics to archive: those matching the include pattern and none of the veto patterns,
 * combined into one pattern for the consumer's pattern subscription (evaluated in the client,
 * so Java's negative lookahead is available).
 */
public final class TopicFilter {
    /** Kafka's and Confluent's internal topics, and heartbeat topics. */
    public static final String DEFAULT_VETO = "__.*,_schemas,_confluent.*,sys\\.heartbeat.*";

    private final Pattern pattern;

    public TopicFilter(String include, String veto) {
        List<String> vetoes = new ArrayList<>();
        for (String v : veto.split(",")) {
            if (!v.isBlank()) {
                vetoes.add("(?:" + check(v.trim()) + ")");
            }
        }
        String notVetoed = vetoes.isEmpty() ? "" : "(?!(?:" + String.join("|", vetoes) + ")$)";
        this.pattern = Pattern.compile(notVetoed + "(?:" + check(include) + ")");
    }

    public Pattern pattern() {
        return pattern;
    }

    public boolean accepts(String topic) {
        return pattern.matcher(topic).matches();
    }

    private static String check(String regex) {
        try {
            Pattern.compile(regex);
            return regex;
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("'" + regex + "' is not a regular expression: " + e.getDescription());
        }
    }

    @Override
    public String toString() {
        return pattern.pattern();
    }
}
