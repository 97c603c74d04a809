-- Stowage index, version 3: the time index without the id. Scans still return (time, id) order:
-- PostgreSQL walks the index by time and sorts only the messages that share a time. Leaving the
-- id (usually a 36-character UUID) out makes the index about half the size.
DROP INDEX messages_scan;
CREATE INDEX messages_by_time ON messages (stream_id, time);
