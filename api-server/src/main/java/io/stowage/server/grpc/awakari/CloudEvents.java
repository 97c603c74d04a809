package io.stowage.server.grpc.awakari;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnknownFieldSet;
import io.stowage.api.cloudevents.CloudEvent;
import io.stowage.api.v1.Message;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code pb.CloudEvent} to and from {@code stowage.v1.Message}. Both are the CloudEvents v1
 * protobuf format in fields 1-8, so converting through the bytes is exact for every attribute
 * kind and every kind of data, and stays exact if either side gains a field.
 */
final class CloudEvents {
    private CloudEvents() {}

    /**
     * The event as a message without a Kafka record. Fields a CloudEvent does not know (field 100
     * included) are dropped first, so an awakari client cannot pass a Kafka record in.
     */
    static Message toMessage(CloudEvent event) {
        CloudEvent known = event.getUnknownFields().asMap().isEmpty() ? event
                : event.toBuilder().setUnknownFields(UnknownFieldSet.getDefaultInstance()).build();
        try {
            return Message.parseFrom(known.toByteString());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a CloudEvent did not parse as a Message", e); // same fields: cannot happen
        }
    }

    /** The message as awakari clients know it: the CloudEvent, without the Kafka record (field 100). */
    static CloudEvent toCloudEvent(Message msg) {
        try {
            return CloudEvent.parseFrom(msg.toBuilder().clearKafka().build().toByteString());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a Message did not parse as a CloudEvent", e); // same fields: cannot happen
        }
    }

    static List<Message> toMessages(List<CloudEvent> events) {
        List<Message> msgs = new ArrayList<>(events.size());
        events.forEach(e -> msgs.add(toMessage(e)));
        return msgs;
    }

    static List<CloudEvent> toCloudEvents(List<Message> msgs) {
        List<CloudEvent> events = new ArrayList<>(msgs.size());
        msgs.forEach(m -> events.add(toCloudEvent(m)));
        return events;
    }
}
