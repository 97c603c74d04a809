-- Stowage index, version 7: retention expires whole segments. Clean looks for the committed
-- segments of a stream that end before the cut, those that end first; this index finds them
-- without reading every segment of the stream. Its predicate leaves live_count out, so that
-- changing a segment's live count stays a HOT update.
CREATE INDEX segments_committed_by_end ON segments (stream_id, max_time) WHERE state = 'committed';

COMMENT ON INDEX segments_committed_by_end IS 'Committed segments of a stream by the time of their last message: retention takes those that end before the cut as a whole.';
