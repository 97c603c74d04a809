package io.stowage.server.storage;

import io.stowage.api.v1.AttributeValue;
import io.stowage.api.v1.Message;
import io.stowage.common.message.Messages;
import io.stowage.common.message.Timestamps;
import io.stowage.server.storage.error.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a whole batch before anything is stored. The first problem found fails the batch with
 * a message that names the message (position and id) and says what is wrong.
 */
public final class BatchValidator {
    /** The longest CloudEvents attribute name (lower-case letters and digits). */
    private static final int MAX_ATTRIBUTE_NAME = 64;
    /** Context attributes that have their own fields in the message. */
    private static final Set<String> RESERVED = Set.of("id", "source", "specversion", "type", "data", "data_base64");

    private final Limits limits;

    public BatchValidator(Limits limits) {
        this.limits = limits;
    }

    public void validate(List<Message> batch) {
        if (batch.size() > limits.maxBatchMessages()) {
            throw new InvalidRequestException("the batch has " + batch.size() + " messages; at most "
                    + limits.maxBatchMessages() + " are allowed per PutBatch: split it");
        }
        long total = 0;
        for (int i = 0; i < batch.size(); i++) {
            Message msg = batch.get(i);
            String problem = problem(msg);
            if (problem != null) {
                throw new InvalidRequestException(name(i, msg) + ": " + problem + "; nothing was stored");
            }
            total += msg.getSerializedSize();
            if (total > limits.maxBatchBytes()) {
                throw new InvalidRequestException("the batch is over " + limits.maxBatchBytes()
                        + " bytes at message #" + i + "; split it (nothing was stored)");
            }
        }
    }

    private String problem(Message msg) {
        int idBytes = msg.getId().getBytes(StandardCharsets.UTF_8).length;
        if (idBytes == 0) {
            return "id is empty";
        }
        if (idBytes > Limits.MAX_ID_BYTES) {
            return "id is " + idBytes + " bytes; ids are 1 to " + Limits.MAX_ID_BYTES + " bytes";
        }
        if (msg.getId().indexOf('\0') >= 0) {
            return "id contains a NUL character";
        }
        String missing = missingRequired(msg);
        if (missing != null) {
            return "the CloudEvents attribute " + missing + " is empty; id, source, spec_version and type are required";
        }
        int size = msg.getSerializedSize();
        if (size > limits.maxMessageBytes()) {
            return "message is " + size + " bytes; the limit is " + limits.maxMessageBytes() + " bytes";
        }
        String stream = Messages.stream(msg);
        if (stream.indexOf('\0') >= 0 || msg.getType().indexOf('\0') >= 0) {
            return "stream and type names cannot contain a NUL character";
        }
        for (Map.Entry<String, AttributeValue> attr : msg.getAttributesMap().entrySet()) {
            String attrProblem = attributeProblem(attr.getKey(), attr.getValue());
            if (attrProblem != null) {
                return attrProblem;
            }
        }
        if (msg.hasKafka()) {
            var kafka = msg.getKafka();
            if (kafka.getTopic().isEmpty()) {
                return "kafka.topic is empty";
            }
            if (kafka.getPartition() < 0 || kafka.getOffset() < 0) {
                return "kafka.partition and kafka.offset cannot be negative";
            }
            if (kafka.getNullValue() && msg.getDataCase() != Message.DataCase.DATA_NOT_SET) {
                return "kafka.null_value is set (a tombstone) but the message has data";
            }
        }
        return null;
    }

    /** The first required CloudEvents attribute (besides id) that is empty, or null. */
    private static String missingRequired(Message msg) {
        if (msg.getSource().isEmpty()) {
            return "source";
        }
        if (msg.getSpecVersion().isEmpty()) {
            return "spec_version";
        }
        return msg.getType().isEmpty() ? "type" : null;
    }

    private static String attributeProblem(String name, AttributeValue value) {
        if (!isAttributeName(name)) {
            return "attribute name '" + name + "' is invalid: CloudEvents attribute names are 1 to 64 lower-case"
                    + " letters and digits";
        }
        if (RESERVED.contains(name)) {
            return "attribute '" + name + "' is a message field, not an attribute: set the field instead";
        }
        if (value.getAttrCase() == AttributeValue.AttrCase.ATTR_NOT_SET) {
            return "attribute '" + name + "' has no value";
        }
        if (name.equals(Messages.TIME_ATTRIBUTE) && !value.hasCeTimestamp()) {
            return "attribute 'time' must be a ce_timestamp";
        }
        if (value.hasCeTimestamp() && !Timestamps.nanosValid(value.getCeTimestamp())) {
            // normalised on storing but digested as sent, the message would look damaged forever
            return "attribute '" + name + "' is a timestamp with nanos " + value.getCeTimestamp().getNanos()
                    + "; nanos must be 0 to 999,999,999";
        }
        if (value.hasCeTimestamp() && !placeable(value)) {
            return "attribute '" + name + "' is a timestamp outside years 1 to 9999";
        }
        return null;
    }

    /** 1 to 64 lower-case ASCII letters and digits (a loop: a regex here cost every message a matcher). */
    private static boolean isAttributeName(String name) {
        if (name.isEmpty() || name.length() > MAX_ATTRIBUTE_NAME) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }

    private static boolean placeable(AttributeValue timestamp) {
        try {
            return Messages.placeable(Timestamps.toInstant(timestamp.getCeTimestamp()));
        } catch (java.time.DateTimeException e) {
            return false; // beyond what any clock can name
        }
    }

    private static String name(int index, Message msg) {
        String id = msg.getId();
        if (id.length() > 64) {
            id = id.substring(0, 64) + "...";
        }
        return "message #" + index + (id.isEmpty() ? "" : " (id '" + id + "')");
    }
}
