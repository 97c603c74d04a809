package io.stowage.server.clean;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.server.storage.index.Capture;
import io.stowage.server.storage.index.CaptureStore;
import io.stowage.server.testing.MemoryEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A clean applies retention to the captures of the Kafka cluster, as it does to messages. */
class CaptureRetentionTest {
    private static final Instant NOW = MemoryEngine.START;
    private static final Duration GRACE = MemoryEngine.KEEP_FOREVER.pendingGrace();

    @TempDir
    Path dir;

    private static void captureDaysAgo(CaptureStore store, int days) {
        Instant seen = NOW.minus(Duration.ofDays(days));
        store.put(new Capture(
                List.of(topic("plain", seen), topic("audit", seen), topic("fast", seen)),
                List.of(new Capture.Group("c", "readers", List.of(new Capture.Offset("plain", 0, days, "")), seen))));
    }

    private static Capture.Topic topic(String name, Instant seen) {
        return new Capture.Topic("c", name, 1, 1, Map.of(), seen);
    }

    /** When each capture of {@code topic} still kept was seen, oldest first, by asking at every day. */
    private static List<Instant> keptTopicTimes(CaptureStore store, String topic) {
        return java.util.stream.IntStream.rangeClosed(0, 30).mapToObj(d -> NOW.minus(Duration.ofDays(30 - d)))
                .flatMap(t -> store.latest(Optional.of(t)).topics().stream().filter(c -> c.name().equals(topic)))
                .map(Capture.Topic::seenAt).distinct().toList();
    }

    @Test
    void cleanRemovesCapturesPastRetentionButTheLatestBeforeTheCut() {
        RetentionPolicy policy = new RetentionPolicy(Optional.of(Duration.ofDays(7)),
                Map.of("audit", Optional.empty(), "fast", Optional.of(Duration.ofDays(1))));
        try (MemoryEngine e = MemoryEngine.start(dir, new CleanSettings(policy, GRACE, 0.0))) {
            CaptureStore store = e.index().captures();
            for (int days : List.of(20, 10, 8, 6, 2)) {
                captureDaysAgo(store, days);
            }

            e.cleaner().clean();

            assertThat(keptTopicTimes(store, "plain")).containsExactly(daysAgo(8), daysAgo(6), daysAgo(2));
            assertThat(keptTopicTimes(store, "fast")).containsExactly(daysAgo(2));
            assertThat(keptTopicTimes(store, "audit"))
                    .containsExactly(daysAgo(20), daysAgo(10), daysAgo(8), daysAgo(6), daysAgo(2));
            // one stream is kept forever, so a group (which may read it) keeps all its captures
            assertThat(store.latest(Optional.of(daysAgo(20))).groups()).hasSize(1);
        }
    }

    @Test
    void groupCapturesFollowTheLongestRetentionOfAnyStream() {
        RetentionPolicy policy = new RetentionPolicy(Optional.of(Duration.ofDays(3)),
                Map.of("long", Optional.of(Duration.ofDays(9))));
        try (MemoryEngine e = MemoryEngine.start(dir, new CleanSettings(policy, GRACE, 0.0))) {
            CaptureStore store = e.index().captures();
            for (int days : List.of(20, 10, 8, 6, 2)) {
                captureDaysAgo(store, days);
            }

            e.cleaner().clean();

            assertThat(store.latest(Optional.of(daysAgo(11))).groups()).isEmpty();
            assertThat(store.latest(Optional.of(daysAgo(10))).groups()).extracting(Capture.Group::seenAt)
                    .containsExactly(daysAgo(10));
            assertThat(keptTopicTimes(store, "plain")).containsExactly(daysAgo(6), daysAgo(2));
        }
    }

    @Test
    void nothingIsRemovedWhenEverythingIsKeptForever() {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            CaptureStore store = e.index().captures();
            for (int days : List.of(20, 10, 2)) {
                captureDaysAgo(store, days);
            }

            e.cleaner().clean();

            assertThat(keptTopicTimes(store, "plain")).containsExactly(daysAgo(20), daysAgo(10), daysAgo(2));
        }
    }

    private static Instant daysAgo(int days) {
        return NOW.minus(Duration.ofDays(days));
    }
}
