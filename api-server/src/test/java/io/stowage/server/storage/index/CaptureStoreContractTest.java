package io.stowage.server.storage.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What every adapter's {@link CaptureStore} does: captures kept by name and time seen, the latest
 * at or before a time, a topic pattern, retention that keeps the latest before the cut. One
 * subclass per adapter, which only builds the index.
 */
public abstract class CaptureStoreContractTest extends IndexContractFixture {
    private static final Instant T1 = T0.plusSeconds(60);
    private static final Instant T2 = T0.plusSeconds(120);

    private CaptureStore captures() {
        return index.captures();
    }

    private static Capture.Topic topic(String name, int partitions, Map<String, String> configs, Instant seen) {
        return new Capture.Topic("cluster-a", name, partitions, 3, configs, seen);
    }

    private static Capture.Group group(String name, Instant seen, Capture.Offset... offsets) {
        return new Capture.Group("cluster-a", name, List.of(offsets), seen);
    }

    private static Capture.Offset offset(String topic, int partition, long offset) {
        return new Capture.Offset(topic, partition, offset, "");
    }

    private void put(List<Capture.Topic> topics, List<Capture.Group> groups) {
        captures().put(new Capture(topics, groups));
    }

    @Test
    void anEmptyStoreHasNoCapture() {
        assertThat(captures().latest(Optional.empty())).isEqualTo(Capture.EMPTY);
        assertThat(captures().topics()).isEmpty();
    }

    @Test
    void aCaptureComesBackAsItWasStored() {
        Instant seen = Instant.parse("2024-03-01T10:00:00.123456Z");
        Capture.Topic t = new Capture.Topic("cluster-a", "orders", 6, 3, Map.of("cleanup.policy", "compact",
                "retention.ms", "604800000", "max.message.bytes", "2097152"), seen);
        Capture.Group g = new Capture.Group("cluster-a", "billing", List.of(new Capture.Offset("orders", 0, 42, "m\u00e9ta"),
                new Capture.Offset("orders", 5, 0, "")), seen);
        Capture.Topic bare = new Capture.Topic("cluster-a", "plain", 1, 1, Map.of(), seen);
        captures().put(new Capture(List.of(t, bare), List.of(g)));

        Capture back = captures().latest(Optional.empty());

        assertThat(back.topics()).containsExactlyInAnyOrder(t, bare);
        assertThat(back.groups()).containsExactly(g);
    }

    @Test
    void theLatestOfEachTopicAndGroupAtOrBeforeTheTimeIsGiven() {
        put(List.of(topic("a", 1, Map.of(), T0), topic("b", 1, Map.of(), T0)),
                List.of(group("g1", T0, offset("a", 0, 1)), group("g2", T0, offset("b", 0, 10))));
        put(List.of(topic("a", 2, Map.of(), T1)), List.of(group("g1", T1, offset("a", 0, 5))));
        put(List.of(topic("a", 3, Map.of(), T2), topic("b", 3, Map.of(), T2)),
                List.of(group("g1", T2, offset("a", 0, 9))));

        Capture before = captures().latest(Optional.of(T0.minusNanos(1000)));
        Capture atT1 = captures().latest(Optional.of(T1));
        Capture betweenT1AndT2 = captures().latest(Optional.of(T2.minusNanos(1000)));
        Capture latest = captures().latest(Optional.empty());

        assertThat(before).isEqualTo(Capture.EMPTY);
        assertThat(atT1.topics()).extracting(Capture.Topic::name, Capture.Topic::partitions, Capture.Topic::seenAt)
                .containsExactlyInAnyOrder(tuple("a", 2, T1),
                        tuple("b", 1, T0));
        assertThat(atT1.groups()).extracting(Capture.Group::name, g -> g.offsets().get(0).offset())
                .containsExactlyInAnyOrder(tuple("g1", 5L),
                        tuple("g2", 10L));
        assertThat(betweenT1AndT2).isEqualTo(atT1);
        assertThat(latest.topics()).extracting(Capture.Topic::partitions).containsExactly(3, 3);
        assertThat(latest.groups()).extracting(Capture.Group::name, Capture.Group::seenAt)
                .containsExactlyInAnyOrder(tuple("g1", T2),
                        tuple("g2", T0));
    }

    @Test
    void aTopicPatternKeepsMatchingTopicsAndOnlyTheGroupsOffsetsOnThem() {
        put(List.of(topic("orders", 1, Map.of(), T0), topic("orders-eu", 1, Map.of(), T0),
                topic("audit", 1, Map.of(), T0)),
                List.of(group("both", T0, offset("orders", 0, 1), offset("audit", 0, 2)),
                        group("auditor", T0, offset("audit", 0, 3))));

        Capture orders = captures().latest(Optional.empty(), Optional.of(Pattern.compile("orders")));
        Capture prefixed = captures().latest(Optional.empty(), Optional.of(Pattern.compile("orders.*")));

        assertThat(orders.topics()).extracting(Capture.Topic::name).containsExactly("orders");
        assertThat(orders.groups()).singleElement().satisfies(g -> {
            assertThat(g.name()).isEqualTo("both");
            assertThat(g.offsets()).containsExactly(offset("orders", 0, 1));
        });
        assertThat(prefixed.topics()).extracting(Capture.Topic::name).containsExactlyInAnyOrder("orders", "orders-eu");
    }

    @Test
    void storingAgainAtTheSameTimeReplacesTheCapture() {
        put(List.of(topic("a", 1, Map.of("retention.ms", "1"), T0)), List.of(group("g", T0, offset("a", 0, 1))));
        put(List.of(topic("a", 2, Map.of("retention.ms", "2"), T0)), List.of(group("g", T0, offset("a", 0, 2))));

        Capture back = captures().latest(Optional.empty());

        assertThat(back.topics()).containsExactly(topic("a", 2, Map.of("retention.ms", "2"), T0));
        assertThat(back.groups()).containsExactly(group("g", T0, offset("a", 0, 2)));
    }

    @Test
    void expiryRemovesCapturesBeforeTheCutButTheLatestOfThem() {
        for (Instant t : List.of(T0, T1, T2)) {
            put(List.of(topic("a", 1, Map.of(), t), topic("b", 1, Map.of(), t)), List.of(group("g", t, offset("a", 0, 1))));
        }

        int topicsRemoved = captures().expireTopic("a", T2);
        int groupsRemoved = captures().expireGroups(T1.plusSeconds(1));

        assertThat(topicsRemoved).isEqualTo(1);
        assertThat(groupsRemoved).isEqualTo(1);
        assertThat(captures().latest(Optional.of(T0))).isEqualTo(new Capture(List.of(topic("b", 1, Map.of(), T0)),
                List.of()));
        assertThat(captures().latest(Optional.of(T1)).topics()).extracting(Capture.Topic::name, Capture.Topic::seenAt)
                .containsExactlyInAnyOrder(tuple("a", T1),
                        tuple("b", T1));
        assertThat(captures().latest(Optional.of(T1)).groups()).extracting(Capture.Group::seenAt).containsExactly(T1);
        assertThat(captures().expireTopic("a", T2)).isZero();
        assertThat(captures().expireTopic("unknown", T2)).isZero();
        assertThat(captures().topics()).containsExactly("a", "b");
    }

    @Test
    void aGroupCapturedWithNoOffsetsIsGoneFromThenOn() {
        put(List.of(), List.of(group("g", T0, offset("a", 0, 7)), group("kept", T0, offset("a", 0, 3))));
        put(List.of(), List.of(group("g", T1)));
        put(List.of(), List.of(group("g", T2, offset("a", 0, 1))));

        assertThat(captures().latest(Optional.of(T0)).groups()).extracting(Capture.Group::name)
                .containsExactlyInAnyOrder("g", "kept");
        assertThat(captures().latest(Optional.of(T1)).groups()).extracting(Capture.Group::name)
                .containsExactly("kept");
        assertThat(captures().latest(Optional.of(T2.minusSeconds(1)), Optional.of(Pattern.compile("a"))).groups())
                .extracting(Capture.Group::name).containsExactly("kept");
        // created again later: current again
        assertThat(captures().latest(Optional.empty()).groups()).extracting(Capture.Group::name, Capture.Group::seenAt)
                .containsExactlyInAnyOrder(tuple("g", T2), tuple("kept", T0));
    }

    @Test
    void aGroupGoneBeforeTheCutIsRemovedWhole() {
        put(List.of(), List.of(group("gone", T0, offset("a", 0, 1)), group("back", T0, offset("a", 0, 1))));
        put(List.of(), List.of(group("gone", T1), group("back", T1)));
        put(List.of(), List.of(group("back", T2, offset("a", 0, 2))));

        int removed = captures().expireGroups(T1.plusSeconds(1));

        assertThat(removed).isEqualTo(4);
        assertThat(captures().latest(Optional.of(T1)).groups()).isEmpty();
        assertThat(captures().latest(Optional.empty()).groups()).extracting(Capture.Group::name, Capture.Group::seenAt)
                .containsExactly(tuple("back", T2));
        assertThat(captures().expireGroups(T1.plusSeconds(1))).isZero();
    }

    @Test
    void thinningKeepsTheLastGroupCaptureOfEachHourThenOfEachDay() {
        Instant dailyBefore = Instant.parse("2024-02-01T00:00:00Z");
        Instant hourlyBefore = Instant.parse("2024-02-10T00:00:00Z");
        List<Instant> oldDay = times("2024-01-20T10:05:00Z", "2024-01-20T10:50:00Z", "2024-01-20T14:10:00Z");
        List<Instant> hourly = times("2024-02-05T09:00:00Z", "2024-02-05T09:30:00Z", "2024-02-05T09:59:59.999999Z",
                "2024-02-05T11:00:00Z");
        List<Instant> recent = times("2024-02-10T00:00:00Z", "2024-02-10T00:01:00Z", "2024-02-10T00:02:00Z");
        for (List<Instant> times : List.of(oldDay, hourly, recent)) {
            times.forEach(t -> put(List.of(topic("a", 1, Map.of(), t)), List.of(group("g", t, offset("a", 0, 1)))));
        }
        put(List.of(), List.of(group("other", hourly.get(0), offset("a", 0, 1))));

        int removed = captures().thinGroups(hourlyBefore, dailyBefore);

        assertThat(removed).isEqualTo(4);
        assertThat(keptGroupTimes("g", oldDay)).containsExactly(oldDay.get(2));
        assertThat(keptGroupTimes("g", hourly)).containsExactly(hourly.get(2), hourly.get(3));
        assertThat(keptGroupTimes("g", recent)).isEqualTo(recent);
        assertThat(keptGroupTimes("other", hourly.subList(0, 1))).containsExactly(hourly.get(0));
        // topics change rarely and are left as they are
        assertThat(captures().latest(Optional.of(oldDay.get(0))).topics()).extracting(Capture.Topic::seenAt)
                .containsExactly(oldDay.get(0));
        assertThat(captures().thinGroups(hourlyBefore, dailyBefore)).isZero();
    }

    @Test
    void topicCapturesThatRepeatThePreviousOneAreDroppedBeforeTheCut() {
        Map<String, String> configs = Map.of("retention.ms", "1", "cleanup.policy", "compact", "max.message.bytes", "9");
        List<Instant> times = java.util.stream.IntStream.range(0, 6).mapToObj(i -> T0.plusSeconds(3600L * i)).toList();
        List<Integer> partitions = List.of(1, 1, 2, 2, 1, 1);
        for (int i = 0; i < times.size(); i++) {
            put(List.of(topic("a", partitions.get(i), configs, times.get(i))), List.of());
        }

        int removed = captures().dropRepeatedTopics(times.get(5));

        assertThat(removed).isEqualTo(2);
        assertThat(times.stream().filter(t -> captures().latest(Optional.of(t)).topics().get(0).seenAt().equals(t)))
                .containsExactly(times.get(0), times.get(2), times.get(4), times.get(5));
        assertThat(times.stream().map(t -> captures().latest(Optional.of(t)).topics().get(0).partitions()))
                .isEqualTo(partitions);
        assertThat(captures().dropRepeatedTopics(times.get(5))).isZero();
    }

    private static List<Instant> times(String... times) {
        return java.util.Arrays.stream(times).map(Instant::parse).toList();
    }

    /** Those of {@code times} at which a capture of {@code group} is still kept. */
    private List<Instant> keptGroupTimes(String group, List<Instant> times) {
        return times.stream().filter(t -> captures().latest(Optional.of(t)).groups().stream()
                .anyMatch(g -> g.name().equals(group) && g.seenAt().equals(t))).toList();
    }
}
