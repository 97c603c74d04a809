package io.stowage.ingest;

import java.time.Duration;
import java.util.Optional;

/**
 * What the worker captures of the Kafka cluster besides records, and how often.
 *
 * @param interval how often a capture is taken; empty: never
 * @param groups the consumer groups whose committed offsets are captured: matching the include
 *     pattern and none of the veto patterns (the same rules as the topics')
 */
public record CaptureSettings(Optional<Duration> interval, TopicFilter groups) {
}
