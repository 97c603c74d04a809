package io.stowage.cli;

import io.stowage.api.v1.ScanOrder;
import io.stowage.api.v1.ScanRequest;
import io.stowage.api.v1.ScanResult;
import io.stowage.client.StowageClient;
import io.stowage.common.message.Timestamps;
import java.time.Instant;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stowage ids}: list a stream. */
@Command(name = "ids", mixinStandardHelpOptions = true,
        description = "List the messages of a stream (id, time, type, Kafka partition@offset, size), in time order or"
                + " Kafka order, paged through Scan. Times are the index's, to the microsecond; 'get' shows a"
                + " message's exact time.")
final class IdsCommand extends ClientCommand {
    @Option(names = "--stream", required = true, description = "The stream: a Kafka topic, or the source of messages put directly.")
    String stream;

    @Option(names = "--type", description = "Only messages of this type.")
    String type;

    @Option(names = "--from", converter = Times.class, description = "Only messages at or after this time (2024-05-01 or 2024-05-01T12:00:00Z).")
    Instant from;

    @Option(names = "--to", converter = Times.class, description = "Only messages before this time.")
    Instant to;

    @Option(names = "--limit", defaultValue = "0", description = "At most this many (0: all).")
    int limit;

    @Option(names = "--kafka-order", description = "Order by Kafka partition and offset instead of time.")
    boolean kafkaOrder;

    @Override
    int run(StowageClient client, Output out) {
        ScanRequest.Builder req = ScanRequest.newBuilder().setStream(stream).setIdsOnly(true).setLimit(limit)
                .setOrder(kafkaOrder ? ScanOrder.SCAN_ORDER_KAFKA_OFFSET : ScanOrder.SCAN_ORDER_TIME);
        if (type != null) {
            req.setType(type);
        }
        if (from != null) {
            req.setFrom(Timestamps.fromInstant(from));
        }
        if (to != null) {
            req.setTo(Timestamps.fromInstant(to));
        }
        long n = 0;
        try (Stream<ScanResult> results = client.scan(req.build())) {
            for (ScanResult r : (Iterable<ScanResult>) results::iterator) {
                n++;
                if (out.json) {
                    out.message(r.toBuilder().clearCursor().build());
                } else {
                    out.text(String.format("%s  %s  %s  %s  %d", r.getId(), Timestamps.toInstant(r.getTime()), r.getType(),
                            r.hasKafkaPartition() ? r.getKafkaPartition() + "@" + r.getKafkaOffset() : "-", r.getSize()));
                }
            }
        }
        out.note(n + " messages");
        return StowageCommand.ExitCodes.OK;
    }
}
