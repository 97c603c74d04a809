-- Stowage index: the captures of the archived Kafka cluster that the ingest worker sends
-- (ClusterState/PutCapture), so that a restore can recreate topics as they were and move
-- consumer groups to the translated offsets. One row per topic or group and time seen; Clean
-- removes old rows by the retention rules but keeps the latest one before the retention cut.
CREATE TABLE topic_captures (
    topic text NOT NULL,
    seen_at timestamptz NOT NULL,
    cluster_id text NOT NULL,
    partitions integer NOT NULL,
    replication_factor integer NOT NULL,
    config_names text[] NOT NULL,
    config_values text[] NOT NULL,
    PRIMARY KEY (topic, seen_at)
);

CREATE TABLE group_captures (
    group_name text NOT NULL,
    seen_at timestamptz NOT NULL,
    cluster_id text NOT NULL,
    offset_topics text[] NOT NULL,
    offset_partitions integer[] NOT NULL,
    offset_values bigint[] NOT NULL,
    offset_metadata text[] NOT NULL,
    PRIMARY KEY (group_name, seen_at)
);

COMMENT ON TABLE topic_captures IS 'An archived Kafka topic as the ingest worker saw it at seen_at: partition count, replication factor, the configuration set on the topic.';
COMMENT ON COLUMN topic_captures.topic IS 'The topic, which is also the stream its records are archived as.';
COMMENT ON COLUMN topic_captures.seen_at IS 'When the worker read it from the cluster.';
COMMENT ON COLUMN topic_captures.cluster_id IS 'The Kafka cluster id it was read from.';
COMMENT ON COLUMN topic_captures.config_names IS 'Names of the configs set on the topic itself (not broker defaults), in the order of config_values.';
COMMENT ON COLUMN topic_captures.config_values IS 'Their values.';
COMMENT ON TABLE group_captures IS 'A consumer group''s committed offsets on archived topics as the ingest worker saw them at seen_at; the arrays are parallel, one element per partition.';
COMMENT ON COLUMN group_captures.offset_values IS 'The next offset the group reads, as Kafka keeps it.';
COMMENT ON COLUMN group_captures.offset_metadata IS 'The metadata string of each commit, as it was.';
