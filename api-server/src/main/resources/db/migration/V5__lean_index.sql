-- Stowage index, version 5: a leaner message row (B4 was 255 bytes per message).
-- - An id that is the canonical text of a UUID (lower-case, 36 characters) is kept in 16 bytes
--   (id_uuid); every other id stays text (id_text). Exactly one of the two is set, and id_text
--   never holds a canonical UUID, so the two can never be taken for each other. Both are unique
--   through partial indexes, so neither index holds an entry for the rows of the other kind.
-- - The content digest is the first 8 bytes of its SHA-256 (was 16) as a bigint: it tells a
--   repeated put from other content under the same id and catches a store that returns other
--   bytes; neither is a defence against an attacker who can already write to the store.
-- - The type is the segment's (a segment holds one stream and type), so the row no longer has it.
-- - Columns widest first, so that no padding falls between them.
CREATE TABLE messages_lean (
    time            timestamptz NOT NULL,
    segment_id      bigint      NOT NULL,
    kafka_offset    bigint,
    digest          bigint      NOT NULL,
    id_uuid         uuid,
    stream_id       integer     NOT NULL,
    byte_offset     integer     NOT NULL,
    length          integer     NOT NULL,
    kafka_partition integer,
    id_text         text,
    CONSTRAINT messages_one_id CHECK ((id_uuid IS NULL) <> (id_text IS NULL)),
    CONSTRAINT messages_text_id_is_no_uuid
        CHECK (id_text !~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')
);

INSERT INTO messages_lean (time, segment_id, kafka_offset, digest, id_uuid, stream_id, byte_offset, length,
        kafka_partition, id_text)
SELECT m.time, m.segment_id, m.kafka_offset, ('x' || encode(substring(m.digest FROM 1 FOR 8), 'hex'))::bit(64)::bigint,
       CASE WHEN u.is_uuid THEN m.id::uuid END, m.stream_id, m.byte_offset, m.length, m.kafka_partition,
       CASE WHEN u.is_uuid THEN NULL ELSE m.id END
FROM messages m,
     LATERAL (SELECT m.id ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' AS is_uuid) u
ORDER BY m.time;

DROP TABLE messages;
ALTER TABLE messages_lean RENAME TO messages;

CREATE UNIQUE INDEX messages_by_uuid ON messages (id_uuid) WHERE id_uuid IS NOT NULL;
CREATE UNIQUE INDEX messages_by_text_id ON messages (id_text) WHERE id_text IS NOT NULL;
CREATE INDEX messages_by_time ON messages (stream_id, time);
CREATE INDEX messages_kafka_order ON messages (stream_id, kafka_partition, kafka_offset)
    WHERE kafka_partition IS NOT NULL;

COMMENT ON TABLE messages IS 'One row per stored message: where its BSON document is (segment, byte range) and what Scan filters and orders by. Its type is that of its segment.';
COMMENT ON COLUMN messages.time IS 'Message time (the time attribute, else the Kafka timestamp, else when stored), to the microsecond; the document keeps the exact time.';
COMMENT ON COLUMN messages.segment_id IS 'The segment holding the document (segments.id).';
COMMENT ON COLUMN messages.kafka_offset IS 'Offset of the Kafka record it came from; null for a message put directly.';
COMMENT ON COLUMN messages.digest IS 'First 8 bytes of the SHA-256 content digest (what the producer sent), big-endian: tells a repeated put from other content under the same id, and a damaged document from an intact one.';
COMMENT ON COLUMN messages.id_uuid IS 'The message id when it is the canonical text of a UUID (lower-case, 36 characters); else null.';
COMMENT ON COLUMN messages.stream_id IS 'Its stream (streams.id).';
COMMENT ON COLUMN messages.byte_offset IS 'Where its BSON document starts in the segment object.';
COMMENT ON COLUMN messages.length IS 'Length of its BSON document in bytes.';
COMMENT ON COLUMN messages.kafka_partition IS 'Partition of the Kafka record it came from; null for a message put directly.';
COMMENT ON COLUMN messages.id_text IS 'The message id when it is not the canonical text of a UUID; else null. The id is coalesce(id_uuid::text, id_text).';
