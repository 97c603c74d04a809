package io.stowage.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
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

    static List<Message> read(InputStream in) throws IOException {
        List<Message> msgs = new ArrayList<>();
        try (MappingIterator<JsonNode> values = JSON.readerFor(JsonNode.class).readValues(in)) {
            int n = 0;
            while (values.hasNext()) {
                JsonNode value = values.next();
                if (value.isArray()) {
                    for (JsonNode element : value) {
                        addFrom(element, ++n, msgs);
                    }
                } else {
                    addFrom(value, ++n, msgs);
                }
            }
        }
        return msgs;
    }

    private static void addFrom(JsonNode node, int n, List<Message> into) throws IOException {
        if (!node.isObject()) {
            throw new InvalidInputException("JSON value #" + n + " is not an object");
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

    private static void parseProto(JsonNode node, com.google.protobuf.Message.Builder into, int n) {
        try {
            JsonFormat.parser().merge(JSON.writeValueAsString(node), into);
        } catch (InvalidProtocolBufferException | com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new InvalidInputException("JSON value #" + n + ": " + e.getMessage());
        }
    }

    /** A CloudEvent in the CloudEvents JSON format. */
    static Message fromCloudEvent(JsonNode ce, int n) throws IOException {
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
            msg.setBinaryData(ByteString.copyFrom(Base64.getDecoder().decode(ce.get("data_base64").asText())));
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

    private static AttributeValue attribute(String name, JsonNode value, int n) {
        AttributeValue.Builder a = AttributeValue.newBuilder();
        if (name.equals("time")) {
            try {
                return a.setCeTimestamp(Timestamps.fromInstant(Instant.parse(value.asText()))).build();
            } catch (DateTimeParseException e) {
                throw new InvalidInputException("JSON value #" + n + ": time '" + value.asText()
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
