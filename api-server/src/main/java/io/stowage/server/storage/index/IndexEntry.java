package io.stowage.server.storage.index;

import java.time.Instant;

/**
 * The index row of one stored message: where its document is and what it is.
 *
 * @param stream the stream of its segment
 * @param type the type of its segment: a segment holds one stream and one type, and an adapter may
 *     take the type from the segment rather than keep it per message
 * @param digest the content digest ({@link io.stowage.common.message.ContentDigest}, 8 bytes)
 * @param kafkaPartition null unless the message came from Kafka
 * @param kafkaOffset null unless the message came from Kafka
 */
public record IndexEntry(String id, long segmentId, String stream, String type, Instant time, int offset,
        int length, byte[] digest, Integer kafkaPartition, Long kafkaOffset) {}
