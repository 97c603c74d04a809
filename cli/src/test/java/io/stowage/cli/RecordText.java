package io.stowage.cli;

import java.util.HexFormat;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** A Kafka record as one line of text (timestamp, key, value and headers in hex), for comparing restored topics. */
final class RecordText {
    private RecordText() {}

    static String of(ConsumerRecord<byte[], byte[]> r) {
        HexFormat hex = HexFormat.of();
        StringBuilder s = new StringBuilder();
        s.append("ts=").append(r.timestamp()).append(" key=").append(r.key() == null ? "null" : hex.formatHex(r.key()))
                .append(" value=").append(r.value() == null ? "null" : hex.formatHex(r.value())).append(" headers=");
        for (Header h : r.headers()) {
            s.append(h.key()).append(':').append(h.value() == null ? "null" : hex.formatHex(h.value())).append(';');
        }
        return s.toString();
    }
}
