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
                // a topic whose partition count changes at every capture: a capture that repeats the
                // previous one would be dropped (see topicCapturesThatRepeatThePreviousOneAreDropped)
                List.of(topic("plain", days, seen), topic("audit", days, seen), topic("fast", days, seen)),
                List.of(new Capture.Group("c", "readers", List.of(new Capture.Offset("plain", 0, days, "")), seen))));
    }

    private static Capture.Topic topic(String name, int partitions, Instant seen) {
        return new Capture.Topic("c", name, partitions, 1, Map.of(), seen);
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

    @Test
    void groupCapturesKeptForeverAreThinnedToOnePerHourAfterADayAndOnePerDayAfter30Days() {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            CaptureStore store = e.index().captures();
            // a reading group, captured every 10 minutes during the whole of the third day before now
            // and of the 40th day before now, and the last hour
            Instant third = NOW.minus(Duration.ofDays(3)).truncatedTo(java.time.temporal.ChronoUnit.DAYS);
            Instant fortieth = NOW.minus(Duration.ofDays(40)).truncatedTo(java.time.temporal.ChronoUnit.DAYS);
            Instant lastHour = NOW.minus(Duration.ofHours(1));
            for (Instant start : List.of(third, fortieth, lastHour)) {
                int count = start.equals(lastHour) ? 6 : 24 * 6;
                for (int i = 0; i < count; i++) {
                    Instant seen = start.plus(Duration.ofMinutes(10L * i));
                    store.put(new Capture(List.of(), List.of(new Capture.Group("c", "readers",
                            List.of(new Capture.Offset("plain", 0, i, "")), seen))));
                }
            }

            e.cleaner().clean();

            assertThat(keptGroupTimes(store, third, Duration.ofDays(1))).hasSize(24)
                    .allMatch(t -> t.atZone(java.time.ZoneOffset.UTC).getMinute() == 50);
            assertThat(keptGroupTimes(store, fortieth, Duration.ofDays(1))).containsExactly(
                    fortieth.plus(Duration.ofDays(1)).minus(Duration.ofMinutes(10)));
            assertThat(keptGroupTimes(store, lastHour, Duration.ofHours(1))).hasSize(6);
        }
    }

    @Test
    void topicCapturesThatRepeatThePreviousOneAreDroppedAfterADay() {
        try (MemoryEngine e = MemoryEngine.start(dir)) {
            CaptureStore store = e.index().captures();
            for (int hours : List.of(30, 29, 28, 2, 1)) { // sent again every hour, unchanged
                Instant seen = NOW.minus(Duration.ofHours(hours));
                store.put(new Capture(List.of(topic("plain", 3, seen)), List.of()));
            }

            e.cleaner().clean();

            // 29 and 28 hours ago repeated 30 hours ago and are gone; the last day is left as it is
            assertThat(store.latest(Optional.of(NOW.minus(Duration.ofHours(28)))).topics())
                    .extracting(Capture.Topic::seenAt).containsExactly(NOW.minus(Duration.ofHours(30)));
            assertThat(store.latest(Optional.of(NOW.minus(Duration.ofHours(2)))).topics())
                    .extracting(Capture.Topic::seenAt).containsExactly(NOW.minus(Duration.ofHours(2)));
        }
    }

    /** When the group captures still kept in {@code [from, from + length)} were seen, by asking every minute. */
    private static List<Instant> keptGroupTimes(CaptureStore store, Instant from, Duration length) {
        return java.util.stream.LongStream.range(0, length.toMinutes()).mapToObj(m -> from.plus(Duration.ofMinutes(m)))
                .flatMap(t -> store.latest(Optional.of(t)).groups().stream()).map(Capture.Group::seenAt)
                .filter(t -> !t.isBefore(from)).distinct().toList();
    }

    private static Instant daysAgo(int days) {
        return NOW.minus(Duration.ofDays(days));
    }
}
