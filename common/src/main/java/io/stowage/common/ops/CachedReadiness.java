package io.stowage.common.ops;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Readiness made of the dependencies a process needs (a database, a blob store, a server),
 * probed in order, each within a deadline, and remembered for a while so that frequent probes
 * stay cheap for the dependencies. The first dependency that fails or does not answer in time
 * names the reason.
 *
 * <p>A probe that outlives its deadline keeps running in the background; later checks wait for
 * that same probe rather than starting another, so a hung dependency never piles up threads.
 */
public final class CachedReadiness implements ReadinessCheck, AutoCloseable {
    private final List<Dependency> dependencies;
    private final Duration ttl;
    private final Duration timeout;
    private final LongSupplier nanoClock;
    private final ExecutorService probes;
    private final Map<String, Future<?>> running = new HashMap<>();
    private Readiness last;
    private long lastAt;

    /**
     * @param ttl how long a result is reused
     * @param timeout how long each dependency may take to answer
     */
    public CachedReadiness(List<Dependency> dependencies, Duration ttl, Duration timeout) {
        this(dependencies, ttl, timeout, System::nanoTime);
    }

    CachedReadiness(List<Dependency> dependencies, Duration ttl, Duration timeout, LongSupplier nanoClock) {
        this.dependencies = List.copyOf(dependencies);
        this.ttl = Objects.requireNonNull(ttl);
        this.timeout = Objects.requireNonNull(timeout);
        this.nanoClock = nanoClock;
        AtomicInteger n = new AtomicInteger();
        this.probes = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stowage-readiness-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public synchronized Readiness check() {
        long now = nanoClock.getAsLong();
        if (last == null || now - lastAt >= ttl.toNanos()) {
            last = probeAll();
            lastAt = now;
        }
        return last;
    }

    private Readiness probeAll() {
        for (Dependency d : dependencies) {
            Future<?> probe = running.get(d.name());
            if (probe == null || probe.isDone()) {
                // a finished probe from an earlier round is stale: ask again
                probe = probes.submit(() -> {
                    d.probe().check();
                    return null;
                });
                running.put(d.name(), probe);
            }
            try {
                probe.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
                running.remove(d.name());
            } catch (TimeoutException e) {
                return Readiness.notReady(d.name() + " did not answer within " + timeout.toMillis() + " ms");
            } catch (ExecutionException e) {
                running.remove(d.name());
                return Readiness.notReady(d.name() + ": " + describe(e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Readiness.notReady("interrupted while checking " + d.name());
            }
        }
        return Readiness.READY;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    @Override
    public void close() {
        probes.shutdownNow();
    }

    /** Probes one dependency: returns when it is usable, throws with the reason when not. */
    @FunctionalInterface
    public interface Probe {
        void check() throws Exception;
    }

    /** A dependency, named as an operator knows it ("index database", "blob store"). */
    public record Dependency(String name, Probe probe) {
        public Dependency {
            Objects.requireNonNull(name);
            Objects.requireNonNull(probe);
        }
    }
}
