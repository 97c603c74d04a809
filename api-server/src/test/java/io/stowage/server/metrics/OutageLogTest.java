package io.stowage.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stowage.server.storage.error.Dependency;
import io.stowage.server.storage.error.StorageUnavailableException;
import io.stowage.server.testing.LogCapture;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** An outage is one WARN and one INFO however many calls fail, each call counted, its stack trace at DEBUG. */
class OutageLogTest {
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final AtomicBoolean blobStoreDown = new AtomicBoolean(true);

    /** A blob store that answers its probe only once it is back. */
    void probeBlobStore() {
        if (blobStoreDown.get()) {
            throw new StorageUnavailableException(Dependency.BLOB_STORE, "connection refused", null);
        }
    }

    @Test
    void anOutageIsLoggedOnceAndItsRecoveryOnce() {
        try (LogCapture logs = new LogCapture(OutageLog.class.getName(), Level.DEBUG);
                OutageLog outages = new OutageLog(registry, Map.of(Dependency.BLOB_STORE, this::probeBlobStore),
                        Duration.ofMillis(20))) {
            for (int i = 0; i < 50; i++) {
                outages.failed(Dependency.BLOB_STORE, failure(i));
            }

            assertThat(logs.at(Level.WARN)).singleElement().satisfies(e -> {
                assertThat(e.getFormattedMessage()).contains("blob store is failing").contains("call 0");
                assertThat(e.getThrowableProxy()).isNull();
            });
            assertThat(logs.at(Level.DEBUG)).filteredOn(e -> e.getThrowableProxy() != null).hasSizeGreaterThanOrEqualTo(50);
            assertThat(outages.failing(Dependency.BLOB_STORE)).isTrue();
            assertThat(errors("blob store")).isEqualTo(50);
            assertThat(errors("index database")).isZero();

            blobStoreDown.set(false);
            await().atMost(Duration.ofSeconds(10)).until(() -> !outages.failing(Dependency.BLOB_STORE));

            assertThat(logs.at(Level.INFO)).singleElement().extracting(ILoggingEvent::getFormattedMessage)
                    .asString().contains("blob store has recovered").contains("50 calls failed");
            assertThat(logs.at(Level.WARN)).hasSize(1);
        }
    }

    @Test
    void aNewOutageAfterRecoveryIsLoggedAgainAndDependenciesAreApart() {
        try (LogCapture logs = new LogCapture(OutageLog.class.getName(), Level.INFO);
                OutageLog outages = new OutageLog(registry, Map.of(Dependency.BLOB_STORE, this::probeBlobStore,
                        Dependency.INDEX, () -> { }), Duration.ofMillis(20))) {
            outages.failed(Dependency.BLOB_STORE, failure(1));
            outages.failed(Dependency.INDEX, failure(2));
            await().atMost(Duration.ofSeconds(10)).until(() -> !outages.failing(Dependency.INDEX));
            outages.failed(Dependency.BLOB_STORE, failure(3));
            assertThat(logs.at(Level.WARN)).extracting(ILoggingEvent::getFormattedMessage)
                    .satisfiesExactly(m -> assertThat(m).contains("blob store"), m -> assertThat(m).contains("index"));

            blobStoreDown.set(false);
            await().atMost(Duration.ofSeconds(10)).until(() -> !outages.failing(Dependency.BLOB_STORE));
            outages.failed(Dependency.BLOB_STORE, failure(4));

            assertThat(logs.at(Level.WARN)).hasSize(3);
            assertThat(logs.at(Level.INFO)).hasSize(2);
            assertThat(errors("blob store")).isEqualTo(3);
        }
    }

    @Test
    void aProbeThatPassesWhileCallsStillFailDoesNotEndTheOutage() {
        AtomicBoolean writesFailing = new AtomicBoolean(true);
        AtomicInteger probes = new AtomicInteger();
        try (LogCapture logs = new LogCapture(OutageLog.class.getName(), Level.INFO)) {
            OutageLog[] self = new OutageLog[1];
            // the store answers its probe, but a real write fails between every two probes (503 to PUTs only)
            Runnable readsWork = () -> {
                probes.incrementAndGet();
                if (writesFailing.get()) {
                    self[0].failed(Dependency.BLOB_STORE, failure(100 + probes.get()));
                }
            };
            try (OutageLog outages = new OutageLog(registry, Map.of(Dependency.BLOB_STORE, readsWork), Duration.ofMillis(20))) {
                self[0] = outages;
                outages.failed(Dependency.BLOB_STORE, failure(1));
                await().atMost(Duration.ofSeconds(10)).until(() -> probes.get() >= 5);

                assertThat(outages.failing(Dependency.BLOB_STORE)).isTrue();
                assertThat(logs.at(Level.INFO)).isEmpty();

                writesFailing.set(false);
                await().atMost(Duration.ofSeconds(10)).until(() -> !outages.failing(Dependency.BLOB_STORE));
                assertThat(logs.at(Level.WARN)).hasSize(1);
                assertThat(logs.at(Level.INFO)).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                        .contains("blob store has recovered");
            }
        }
    }

    private static RuntimeException failure(int call) {
        return new StorageUnavailableException(Dependency.BLOB_STORE, "call " + call + ": connection refused", null);
    }

    private double errors(String dependency) {
        return registry.get("stowage.dependency.errors").tag("dependency", dependency).counter().count();
    }
}
