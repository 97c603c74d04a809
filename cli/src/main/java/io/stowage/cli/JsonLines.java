package io.stowage.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.util.Map;

/**
 * A protobuf message as one line of JSON for programs: every field, also those at zero (a program
 * should not have to know that a missing count means 0), and 64-bit integers as JSON numbers (the
 * protobuf JSON mapping writes them as strings). Well-known types keep their JSON form (a
 * timestamp is an RFC 3339 string, a duration "1.5s").
 */
final class JsonLines {
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().alwaysPrintFieldsWithNoPresence()
            .omittingInsignificantWhitespace();

    private JsonLines() {}

    static String of(MessageOrBuilder msg) {
        try {
            JsonNode tree = Output.JSON.readTree(PRINTER.print(msg));
            numbers(msg.getDescriptorForType(), tree);
            return Output.JSON.writeValueAsString(tree);
        } catch (InvalidProtocolBufferException | JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void numbers(Descriptor type, JsonNode node) {
        if (!(node instanceof ObjectNode object) || type.getFile().getPackage().equals("google.protobuf")) {
            return;
        }
        for (FieldDescriptor f : type.getFields()) {
            JsonNode value = object.get(f.getJsonName());
            if (value == null) {
                continue;
            }
            if (f.isMapField()) {
                FieldDescriptor valueField = f.getMessageType().findFieldByName("value");
                if (value instanceof ObjectNode entries) {
                    for (Map.Entry<String, JsonNode> e : entries.properties()) {
                        e.setValue(convert(valueField, e.getValue()));
                    }
                }
            } else if (f.isRepeated() && value instanceof ArrayNode array) {
                for (int i = 0; i < array.size(); i++) {
                    array.set(i, convert(f, array.get(i)));
                }
            } else {
                object.set(f.getJsonName(), convert(f, value));
            }
        }
    }

    private static JsonNode convert(FieldDescriptor f, JsonNode value) {
        switch (f.getJavaType()) {
            case LONG -> {
                if (!value.isTextual()) {
                    return value;
                }
                boolean unsigned = f.getType() == FieldDescriptor.Type.UINT64 || f.getType() == FieldDescriptor.Type.FIXED64;
                return unsigned ? BigIntegerNode.valueOf(new BigInteger(value.asText()))
                        : LongNode.valueOf(Long.parseLong(value.asText()));
            }
            case MESSAGE -> {
                numbers(f.getMessageType(), value);
                return value;
            }
            default -> {
                return value;
            }
        }
    }
}
