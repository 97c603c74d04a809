-- Stowage index, version 1.
-- Streams and types are named once and referenced by number, to keep message rows small.
CREATE TABLE streams (
    id   integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE
);

CREATE TABLE types (
    id   integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL UNIQUE
);

-- One row per segment object. A segment is 'pending' from before its object is written until
-- its messages are indexed ('committed'); a rewrite by the cleaner leaves the old one 'retired'
-- until its object is deleted.
CREATE TABLE segments (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    object_key    text        NOT NULL UNIQUE,
    stream_id     integer     NOT NULL REFERENCES streams (id),
    type_id       integer     NOT NULL REFERENCES types (id),
    state         text        NOT NULL CHECK (state IN ('pending', 'committed', 'retired')),
    size_bytes    bigint      NOT NULL,
    message_count integer     NOT NULL,
    live_count    integer     NOT NULL DEFAULT 0,
    live_bytes    bigint      NOT NULL DEFAULT 0,
    min_time      timestamptz NOT NULL,
    max_time      timestamptz NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    committed_at  timestamptz
);

CREATE INDEX segments_not_committed ON segments (state, created_at) WHERE state <> 'committed';
CREATE INDEX segments_by_stream ON segments (stream_id);

-- One row per stored message. Columns are ordered widest first so that PostgreSQL packs them
-- without padding. There is deliberately no foreign key to segments: the write protocol keeps
-- rows and segments consistent, and a foreign key would need another index on segment_id.
CREATE TABLE messages (
    time            timestamptz NOT NULL,
    segment_id      bigint      NOT NULL,
    kafka_offset    bigint,
    stream_id       integer     NOT NULL,
    type_id         integer     NOT NULL,
    byte_offset     integer     NOT NULL,
    length          integer     NOT NULL,
    kafka_partition integer,
    id              text        NOT NULL,
    digest          bytea       NOT NULL,
    CONSTRAINT messages_pkey PRIMARY KEY (id)
);

-- Scan order (time, id) per stream; also serves retention and each segment's live messages.
CREATE INDEX messages_scan ON messages (stream_id, time, id);
