package io.stowage.server.storage.index;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The captures of the Kafka cluster the worker archives, kept in the index beside the messages.
 * A topic is known by its name (the stream it is archived as) and a group by its name, whatever
 * cluster id they were seen with, so that the captures of a cluster rebuilt after a loss continue
 * those of the one it replaces. Times are kept to the microsecond, as PostgreSQL keeps them.
 *
 * <p>Adapters: the PostgreSQL index and the in-memory index; both pass
 * {@code CaptureStoreContractTest}.
 */
public interface CaptureStore {

    /**
     * Keeps every topic and group of {@code capture} with its own {@code seenAt}; a group with no
     * offsets is kept as "gone from then on". Storing the same
     * topic or group at the same time again replaces it, so a retried put changes nothing.
     */
    void put(Capture capture);

    /**
     * The latest capture of each topic and of each group seen at or before {@code at} (of all, when
     * empty), by name. A group whose latest capture has no offsets was gone by then (deleted, or its
     * offsets expired) and is left out.
     */
    Capture latest(Optional<Instant> at);

    /** As {@link #latest(Optional)}, restricted by {@link Capture#onlyTopics}. */
    default Capture latest(Optional<Instant> at, Optional<Pattern> topics) {
        Capture all = latest(at);
        return topics.map(all::onlyTopics).orElse(all);
    }

    /** The names of the topics captured at any time, in order. */
    List<String> topics();

    /**
     * Removes the captures of {@code topic} seen before {@code cutoff}, except the latest of them,
     * so that a restore to any time after the cutoff still finds the state it had.
     *
     * @return the captures removed
     */
    int expireTopic(String topic, Instant cutoff);

    /**
     * As {@link #expireTopic} for every group: each keeps its latest capture before {@code cutoff},
     * unless that one says the group was gone.
     */
    int expireGroups(Instant cutoff);

    /**
     * Thins the captures of every group, which change at every interval while the group reads:
     * of those seen before {@code hourlyBefore} each group keeps the last one of each hour (UTC),
     * of those seen before {@code dailyBefore} the last one of each day (UTC). The state at the end
     * of each kept hour or day is unchanged.
     *
     * @return the captures removed
     */
    int thinGroups(Instant hourlyBefore, Instant dailyBefore);

    /**
     * Removes the topic captures seen before {@code before} that repeat the one before them (same
     * cluster id, partitions, replication factor and configuration): the worker sends every topic
     * once an hour even when it did not change, and the state at any time stays the same.
     *
     * @return the captures removed
     */
    int dropRepeatedTopics(Instant before);
}
