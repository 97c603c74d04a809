package io.stowage.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Watches a consumer group's committed offsets until they reach a topic's end offsets: the
 * moment every record is archived (the worker commits only what the server acknowledged).
 */
final class GroupWatch {
    private static final long POLL_MS = 100;
    private static final Duration REPORT_EVERY = Duration.ofSeconds(15);

    private final Admin admin;

    GroupWatch(Admin admin) {
        this.admin = admin;
    }

    /** Records of {@code topic} committed by {@code group}. */
    long committed(String group, TopicLoader.LoadedTopic topic) throws ExecutionException, InterruptedException {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        long sum = 0;
        for (TopicPartition tp : topic.endOffsets().keySet()) {
            OffsetAndMetadata o = offsets.get(tp);
            sum += o == null ? 0 : o.offset();
        }
        return sum;
    }

    /**
     * Polls until {@code group} has committed every offset of {@code topic}; returns
     * {@link System#nanoTime()} at that moment. {@code check} runs on every poll (it throws when
     * the consumer died); progress is printed now and then.
     */
    long awaitCommitted(String label, String group, TopicLoader.LoadedTopic topic, Duration timeout, Runnable check)
            throws ExecutionException, InterruptedException {
        return awaitCommitted(label, group, topic, topic.records(), timeout, check);
    }

    /** As {@link #awaitCommitted(String, String, TopicLoader.LoadedTopic, Duration, Runnable)}, until {@code target} records. */
    long awaitCommitted(String label, String group, TopicLoader.LoadedTopic topic, long target, Duration timeout,
            Runnable check) throws ExecutionException, InterruptedException {
        long started = System.nanoTime();
        long deadline = started + timeout.toNanos();
        long nextReport = started + REPORT_EVERY.toNanos();
        while (true) {
            long committed = committed(group, topic);
            long now = System.nanoTime();
            if (committed >= target) {
                return now;
            }
            check.run();
            if (now > deadline) {
                throw new IllegalStateException(label + ": only " + committed + " of " + topic.records()
                        + " records committed after " + timeout.toSeconds() + " s");
            }
            if (now > nextReport) {
                Progress.say("  %s: %,d of %,d records committed", label, committed, topic.records());
                nextReport = now + REPORT_EVERY.toNanos();
            }
            Thread.sleep(POLL_MS);
        }
    }
}
