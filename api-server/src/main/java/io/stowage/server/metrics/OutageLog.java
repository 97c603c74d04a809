package io.stowage.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stowage.server.storage.error.Dependency;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs an outage of a dependency once, not once per call: one WARN when calls start failing,
 * one INFO when it answers again; the stack trace of each failed call at DEBUG, and every failed
 * call counted in {@code stowage_dependency_errors_total{dependency}}. While a dependency is
 * down, its probe (the readiness check) runs every {@code probeInterval}; a success ends the outage
 * when no call failed since the probe before it, so recovery is logged even when no call comes,
 * and a probe that passes while real calls still fail (a store answering 503 to writes only) does
 * not end the outage only to start it again with the next call.
 */
public final class OutageLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutageLog.class);

    private final Map<Dependency, Runnable> probes;
    private final Duration probeInterval;
    private final Map<Dependency, Counter> errors = new EnumMap<>(Dependency.class);
    private final Map<Dependency, Outage> outages = new EnumMap<>(Dependency.class);
    private final ScheduledExecutorService timer;

    /**
     * @param probes per dependency, a check that throws while it is down
     */
    public OutageLog(MeterRegistry registry, Map<Dependency, Runnable> probes, Duration probeInterval) {
        this.probes = Map.copyOf(probes);
        this.probeInterval = probeInterval;
        for (Dependency d : Dependency.values()) {
            errors.put(d, Counter.builder("stowage.dependency.errors")
                    .description("Calls that failed because a dependency (blob store, index database) was down")
                    .tag("dependency", d.label()).register(registry));
        }
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "stowage-outage-probe");
            t.setDaemon(true);
            return t;
        });
    }

    /** A call failed because {@code dependency} is down. */
    public void failed(Dependency dependency, Throwable e) {
        errors.get(dependency).increment();
        boolean began;
        synchronized (outages) {
            Outage outage = outages.get(dependency);
            began = outage == null;
            if (began) {
                outage = new Outage(System.nanoTime());
                outages.put(dependency, outage);
            }
            outage.failures.incrementAndGet();
        }
        if (began) {
            log.warn("The {} is failing: {}. Calls that need it answer UNAVAILABLE until it recovers; this is"
                    + " logged once (each failure is counted in stowage_dependency_errors_total, its stack trace"
                    + " logged at DEBUG)", dependency.label(), e.getMessage());
            scheduleProbe(dependency, 1); // the failure that began it
        }
        log.debug("A call failed: the {} is down", dependency.label(), e);
    }

    /** Whether {@code dependency} is in an outage now. */
    public boolean failing(Dependency dependency) {
        synchronized (outages) {
            return outages.containsKey(dependency);
        }
    }

    /** Probes after the interval; {@code failuresBefore} is the outage's failure count now. */
    private void scheduleProbe(Dependency dependency, long failuresBefore) {
        try {
            timer.schedule(() -> probe(dependency, failuresBefore), probeInterval.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing: nobody is left to tell
        }
    }

    private void probe(Dependency dependency, long failuresBefore) {
        Runnable check = probes.get(dependency);
        if (check == null) {
            return;
        }
        try {
            check.run();
        } catch (RuntimeException e) {
            log.debug("The {} is still down", dependency.label(), e);
            scheduleProbe(dependency, failuresOf(dependency));
            return;
        }
        Outage ended;
        synchronized (outages) {
            Outage outage = outages.get(dependency);
            long failures = outage == null ? 0 : outage.failures.get();
            if (outage != null && failures > failuresBefore) {
                // the probe passes but real calls failed since the last one: not over yet
                log.debug("The {} answers its probe, but {} calls failed since the last probe", dependency.label(),
                        failures - failuresBefore);
                scheduleProbe(dependency, failures);
                return;
            }
            ended = outages.remove(dependency);
        }
        if (ended != null) {
            log.info("The {} has recovered: {} calls failed in {} s", dependency.label(), ended.failures.get(),
                    Duration.ofNanos(System.nanoTime() - ended.began).toSeconds());
        }
    }

    private long failuresOf(Dependency dependency) {
        synchronized (outages) {
            Outage outage = outages.get(dependency);
            return outage == null ? 0 : outage.failures.get();
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }

    private record Outage(long began, AtomicLong failures) {
        Outage(long began) {
            this(began, new AtomicLong());
        }
    }
}
