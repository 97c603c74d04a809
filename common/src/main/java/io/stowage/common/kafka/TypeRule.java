package io.stowage.common.kafka;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Where the CloudEvent type of a Kafka record comes from: a header ({@code header:NAME}) or a
 * string field of a JSON value ({@code json:/pointer}). Rules are tried in order.
 */
public sealed interface TypeRule {
    ObjectMapper JSON = new ObjectMapper();

    Optional<String> typeOf(Headers headers, byte[] value);

    /** Reads {@code header:ce_type,json:/type}. */
    static List<TypeRule> parseAll(String text) {
        List<TypeRule> rules = new ArrayList<>();
        for (String item : text.split(",")) {
            String rule = item.trim();
            if (rule.isEmpty()) {
                continue;
            }
            if (rule.startsWith("header:") && rule.length() > "header:".length()) {
                rules.add(new FromHeader(rule.substring("header:".length())));
            } else if (rule.startsWith("json:/")) {
                rules.add(new FromJson(JsonPointer.compile(rule.substring("json:".length()))));
            } else {
                throw new IllegalArgumentException("expected rules such as header:ce_type or json:/type,"
                        + " separated by commas; got '" + rule + "'");
            }
        }
        return List.copyOf(rules);
    }

    /** The last header with that name, as UTF-8. */
    record FromHeader(String name) implements TypeRule {
        @Override
        public Optional<String> typeOf(Headers headers, byte[] value) {
            Header h = headers.lastHeader(name);
            if (h == null || h.value() == null || h.value().length == 0) {
                return Optional.empty();
            }
            return Optional.of(new String(h.value(), StandardCharsets.UTF_8));
        }
    }

    /** A string (or number) at a JSON pointer of a JSON object value. */
    record FromJson(JsonPointer pointer) implements TypeRule {
        @Override
        public Optional<String> typeOf(Headers headers, byte[] value) {
            if (value == null || value.length == 0 || firstNonBlank(value) != '{') {
                return Optional.empty();
            }
            try {
                JsonNode node = JSON.readTree(value).at(pointer);
                if (node.isTextual() || node.isNumber()) {
                    String text = node.asText();
                    return text.isEmpty() ? Optional.empty() : Optional.of(text);
                }
            } catch (IOException e) {
                // not JSON after all: no type from this rule
            }
            return Optional.empty();
        }

        private static int firstNonBlank(byte[] value) {
            for (byte b : value) {
                if (!Character.isWhitespace(b)) {
                    return b;
                }
            }
            return -1;
        }

        @Override
        public String toString() {
            return "json:" + pointer;
        }
    }
}
