package io.stowage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.stowage.api.v1.AttributeValue;
import io.stowage.api.v1.Message;
import io.stowage.api.v1.PutBatchRequest;
import io.stowage.common.message.Timestamps;
import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Messages from JSON: CloudEvents in the CloudEvents JSON format ({@code specversion}, {@code data}
 * or {@code data_base64}, extension attributes), or in the protobuf JSON of {@code stowage.v1.Message}
 * (what grpcurl sends), or a whole {@code {"msgs":[...]}} request. One JSON document, an array of
 * them, or one per line (NDJSON).
 */
final class CloudEventsJson {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> CONTEXT = Set.of("specversion", "id", "source", "type", "data", "data_base64");

    private CloudEventsJson() {}

    /**
     * Longest string value read: beyond the largest message a server could take, so that a message
     * over the server's limit is reported with that limit, not as a parser failure.
     */
    static final int MAX_STRING_CHARS = 128 * 1024 * 1024;
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_STRING_CHARS).build()).build();
    private static final ObjectMapper READER = new ObjectMapper(FACTORY);

    /** A message and the line of its input where it starts. */
    record Located(Message msg, long line) {}

    static List<Message> read(InputStream in) throws IOException {
        return read(in, "input").stream().map(Located::msg).toList();
    }

    /**
     * The messages of {@code in}; a problem is reported as an {@link InvalidInputException} that
     * names {@code source}, the line and what is wrong, in plain words.
     */
    static List<Located> read(InputStream in, String source) throws IOException {
        List<Located> msgs = new ArrayList<>();
        long valueStart = 1;
        try (JsonParser parser = READER.createParser(in)) {
            int n = 0;
            while (parser.nextToken() != null) {
                long line = parser.currentTokenLocation().getLineNr();
                valueStart = line;
                JsonNode value = READER.readTree(parser);
                if (value.isArray()) {
                    for (JsonNode element : value) {
                        addFrom(element, source + " line " + line + " (element " + (++n) + ")", line, msgs);
                    }
                } else {
                    addFrom(value, source + " line " + line, line, msgs);
                    n++;
                }
            }
        } catch (StreamConstraintsException e) {
            throw new InvalidInputException(source + " line " + valueStart + ": a value is longer than "
                    + (MAX_STRING_CHARS >> 20) + " MiB; a message can be at most 8 MiB (the server's"
                    + " STOWAGE_MAX_MESSAGE_BYTES, by default)");
        } catch (StreamReadException e) {
            String what = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
            if (e instanceof JsonEOFException || what.startsWith("Unexpected end-of-input")) {
                throw new InvalidInputException(source + " line " + valueStart + ": the JSON value that starts here"
                        + " does not end: the input ends first (a } or ] missing?)");
            }
            throw new InvalidInputException(source + " line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": not valid JSON: " + plain(what));
        }
        return msgs;
    }

    /** Jackson's message without its hints about its own settings. */
    private static String plain(String message) {
        String first = message == null ? "" : message.lines().findFirst().orElse("");
        int cut = first.indexOf(" (for ");
        return cut > 0 ? first.substring(0, cut) : first;
    }

    private static void addFrom(JsonNode node, String where, long line, List<Located> into) throws IOException {
        List<Message> msgs = new ArrayList<>();
        addFrom(node, where, msgs);
        msgs.forEach(m -> into.add(new Located(m, line)));
    }

    private static void addFrom(JsonNode node, String n, List<Message> into) throws IOException {
        if (!node.isObject()) {
            throw new InvalidInputException(n + ": a JSON object is needed here, not " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT));
        }
        if (node.has("specversion")) {
            into.add(fromCloudEvent(node, n));
        } else if (node.has("msgs")) {
            PutBatchRequest.Builder req = PutBatchRequest.newBuilder();
            parseProto(node, req, n);
            into.addAll(req.getMsgsList());
        } else {
            Message.Builder msg = Message.newBuilder();
            parseProto(node, msg, n);
            into.add(msg.build());
        }
    }

    private static void parseProto(JsonNode node, com.google.protobuf.Message.Builder into, String n) {
        try {
            JsonFormat.parser().merge(JSON.writeValueAsString(node), into);
        } catch (InvalidProtocolBufferException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidInputException(n + ": " + e.getMessage());
        }
    }

    /** A CloudEvent in the CloudEvents JSON format. */
    static Message fromCloudEvent(JsonNode ce, String n) throws IOException {
        Message.Builder msg = Message.newBuilder()
                .setSpecVersion(ce.path("specversion").asText())
                .setId(ce.path("id").asText())
                .setSource(ce.path("source").asText())
                .setType(ce.path("type").asText());
        for (Map.Entry<String, JsonNode> attr : ce.properties()) {
            if (!CONTEXT.contains(attr.getKey())) {
                msg.putAttributes(attr.getKey(), attribute(attr.getKey(), attr.getValue(), n));
            }
        }
        if (ce.hasNonNull("data_base64")) {
            try {
                msg.setBinaryData(ByteString.copyFrom(Base64.getDecoder().decode(ce.get("data_base64").asText())));
            } catch (IllegalArgumentException e) {
                throw new InvalidInputException(n + ": data_base64 is not base64 (" + e.getMessage() + ")");
            }
        } else if (ce.has("data")) {
            JsonNode data = ce.get("data");
            if (data.isTextual()) {
                msg.setTextData(data.asText());
            } else {
                msg.setTextData(JSON.writeValueAsString(data));
                if (!ce.has("datacontenttype")) {
                    msg.putAttributes("datacontenttype",
                            AttributeValue.newBuilder().setCeString("application/json").build());
                }
            }
        }
        return msg.build();
    }

    private static AttributeValue attribute(String name, JsonNode value, String n) {
        AttributeValue.Builder a = AttributeValue.newBuilder();
        if (name.equals("time")) {
            try {
                return a.setCeTimestamp(Timestamps.fromInstant(Instant.parse(value.asText()))).build();
            } catch (DateTimeParseException e) {
                throw new InvalidInputException(n + ": time '" + value.asText()
                        + "' is not an RFC 3339 time");
            }
        }
        if (name.equals("dataschema")) {
            return a.setCeUri(value.asText()).build();
        }
        if (value.isBoolean()) {
            return a.setCeBoolean(value.asBoolean()).build();
        }
        if (value.isInt()) {
            return a.setCeInteger(value.asInt()).build();
        }
        return a.setCeString(value.isTextual() ? value.asText() : value.toString()).build();
    }
}
