package io.stowage.common.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.common.ops.CachedReadiness.Dependency;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CachedReadinessTest {
    static final Duration TTL = Duration.ofSeconds(3);
    final AtomicLong now = new AtomicLong();

    @Test
    void readyWhenEveryDependencyAnswers() {
        try (CachedReadiness r = readiness(new Dependency("database", () -> {}), new Dependency("store", () -> {}))) {
            assertThat(r.check()).isEqualTo(Readiness.READY);
        }
    }

    @Test
    void theFirstFailingDependencyNamesTheReason() {
        try (CachedReadiness r = readiness(new Dependency("database", () -> {}),
                new Dependency("blob store", () -> {
                    throw new IllegalStateException("bucket 'x' does not exist");
                }),
                new Dependency("never asked", () -> {
                    throw new AssertionError("probed after a failure");
                }))) {
            Readiness result = r.check();

            assertThat(result.ready()).isFalse();
            assertThat(result.reason()).isEqualTo("blob store: bucket 'x' does not exist");
        }
    }

    @Test
    void aResultIsReusedUntilItsTimeToLiveHasPassed() {
        AtomicInteger probes = new AtomicInteger();
        AtomicBoolean down = new AtomicBoolean();
        try (CachedReadiness r = readiness(new Dependency("database", () -> {
            probes.incrementAndGet();
            if (down.get()) {
                throw new IllegalStateException("connection refused");
            }
        }))) {
            Readiness first = r.check();
            down.set(true);
            now.addAndGet(TTL.toNanos() - 1);
            Readiness cached = r.check();
            now.addAndGet(1);
            Readiness fresh = r.check();

            assertThat(first.ready()).isTrue();
            assertThat(cached.ready()).isTrue();
            assertThat(fresh.reason()).isEqualTo("database: connection refused");
            assertThat(probes).hasValue(2);
        }
    }

    @Test
    void aHungDependencyIsNotReadyAndIsNotProbedTwiceAtOnce() throws Exception {
        AtomicInteger started = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        try (CachedReadiness r = new CachedReadiness(List.of(new Dependency("index database", () -> {
            started.incrementAndGet();
            release.await();
        })), TTL, Duration.ofMillis(50), now::get)) {
            Readiness first = r.check();
            now.addAndGet(TTL.toNanos());
            Readiness second = r.check();
            release.countDown();
            now.addAndGet(TTL.toNanos());
            Readiness recovered = r.check();

            assertThat(first.reason()).isEqualTo("index database did not answer within 50 ms");
            assertThat(second.ready()).isFalse();
            assertThat(recovered.ready()).isTrue();
            assertThat(started.get()).isLessThanOrEqualTo(2); // the hung probe once, then maybe one fresh probe
        }
    }

    @Test
    void aFailureWithoutAMessageIsNamedByItsType() {
        try (CachedReadiness r = readiness(new Dependency("server", () -> {
            throw new IllegalStateException();
        }))) {
            assertThat(r.check().reason()).isEqualTo("server: IllegalStateException");
        }
    }

    private CachedReadiness readiness(Dependency... dependencies) {
        return new CachedReadiness(List.of(dependencies), TTL, Duration.ofSeconds(5), now::get);
    }
}
