package io.stowage.ingest;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Topic ids the test has made known; the others are "being looked up" until the test says otherwise. */
final class KnownTopicIds implements TopicIds {
    private final Map<String, String> ids = new ConcurrentHashMap<>();
    final List<String> prefetched = new CopyOnWriteArrayList<>();

    KnownTopicIds with(String topic, String id) {
        ids.put(topic, id);
        return this;
    }

    @Override
    public Optional<String> find(String topic) {
        return Optional.ofNullable(ids.get(topic));
    }

    @Override
    public void prefetch(Collection<String> topics) {
        prefetched.addAll(topics);
    }
}
