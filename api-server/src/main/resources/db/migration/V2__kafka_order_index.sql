-- Stowage index, version 2: scans in Kafka order (partition, then offset), as a restore replays
-- them, without sorting the whole stream. Only messages that came from Kafka are in it.
CREATE INDEX messages_kafka_order ON messages (stream_id, kafka_partition, kafka_offset)
    WHERE kafka_partition IS NOT NULL;
