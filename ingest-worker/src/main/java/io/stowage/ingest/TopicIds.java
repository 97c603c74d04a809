package io.stowage.ingest;

import java.util.Collection;
import java.util.Optional;

/**
 * Topic ids, which go into derived message ids. Looked up in the background so that the consumer
 * loop never waits on Kafka's admin API: a record whose topic id is not known yet waits (its
 * partition is paused) until the look-up answers.
 */
interface TopicIds {
    /** The id of {@code topic} if known; otherwise empty, and a look-up is started. Never blocks. */
    Optional<String> find(String topic);

    /** Starts looking up the ids of {@code topics} (those newly assigned) before their records arrive. */
    void prefetch(Collection<String> topics);
}
