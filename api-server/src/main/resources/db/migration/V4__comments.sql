-- Stowage index, version 4: comments on the tables and columns, so that a person who opens the
-- index with psql (\d+ messages) reads what each one holds. No data or structure changes.
COMMENT ON TABLE streams IS 'Stream names (a Kafka topic, or the CloudEvent source of a message put directly), named once and referenced by number.';
COMMENT ON COLUMN streams.id IS 'Number that messages and segments use for this stream.';
COMMENT ON COLUMN streams.name IS 'The stream: Kafka topic, or CloudEvent source.';

COMMENT ON TABLE types IS 'CloudEvent types, named once and referenced by number.';
COMMENT ON COLUMN types.id IS 'Number that messages and segments use for this type.';
COMMENT ON COLUMN types.name IS 'The CloudEvent type.';

COMMENT ON TABLE segments IS 'One row per segment object: BSON documents back to back, of one stream, type and hour.';
COMMENT ON COLUMN segments.id IS 'Segment number; messages.segment_id points here.';
COMMENT ON COLUMN segments.object_key IS 'Key of the object in the bucket or under the segments directory: <prefix>/stream=/type=/dt=/hr=/<id>.bson.';
COMMENT ON COLUMN segments.stream_id IS 'The stream of every message in the segment (streams.id).';
COMMENT ON COLUMN segments.type_id IS 'The type of every message in the segment (types.id).';
COMMENT ON COLUMN segments.state IS 'pending: being written, not yet visible; committed: its messages are indexed; retired: replaced by a rewrite, its object about to be deleted.';
COMMENT ON COLUMN segments.size_bytes IS 'Size of the object in bytes.';
COMMENT ON COLUMN segments.message_count IS 'Messages written into the object.';
COMMENT ON COLUMN segments.live_count IS 'Messages of the object that are not deleted; 0 means the segment can go.';
COMMENT ON COLUMN segments.live_bytes IS 'Bytes of the messages that are not deleted; Clean rewrites a segment whose dead share is high.';
COMMENT ON COLUMN segments.min_time IS 'Earliest message time in the segment.';
COMMENT ON COLUMN segments.max_time IS 'Latest message time in the segment.';
COMMENT ON COLUMN segments.created_at IS 'When the write of the segment began.';
COMMENT ON COLUMN segments.committed_at IS 'When its messages were indexed; null while pending.';

COMMENT ON TABLE messages IS 'One row per stored message: where its BSON document is (segment, byte range) and what Scan filters and orders by.';
COMMENT ON COLUMN messages.time IS 'Message time (the time attribute, else the Kafka timestamp, else when stored), to the microsecond; the document keeps the exact time.';
COMMENT ON COLUMN messages.segment_id IS 'The segment holding the document (segments.id).';
COMMENT ON COLUMN messages.kafka_offset IS 'Offset of the Kafka record it came from; null for a message put directly.';
COMMENT ON COLUMN messages.stream_id IS 'Its stream (streams.id).';
COMMENT ON COLUMN messages.type_id IS 'Its type (types.id).';
COMMENT ON COLUMN messages.byte_offset IS 'Where its BSON document starts in the segment object.';
COMMENT ON COLUMN messages.length IS 'Length of its BSON document in bytes.';
COMMENT ON COLUMN messages.kafka_partition IS 'Partition of the Kafka record it came from; null for a message put directly.';
COMMENT ON COLUMN messages.id IS 'The message id (CloudEvent id).';
COMMENT ON COLUMN messages.digest IS 'Digest of the content (what the producer sent), to tell a repeated put from other content under the same id.';

COMMENT ON TABLE schema_version IS 'Index migrations applied, one row each (db/migration/V<n>__*.sql in the api-server).';
