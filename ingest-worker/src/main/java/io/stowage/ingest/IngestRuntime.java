package io.stowage.ingest;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.stowage.client.StowageClient;
import io.stowage.common.ops.OpsHttpServer;
import io.stowage.common.ops.Readiness;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The ingest worker as a process runs it: health and metrics over HTTP from the start (not ready
 * until Kafka answers and the loop polls), then the worker.
 */
public final class IngestRuntime implements AutoCloseable {
    private final OpsHttpServer ops;
    private final AtomicReference<IngestService> service = new AtomicReference<>();
    private final PrometheusMeterRegistry registry = io.stowage.common.ops.PrometheusRegistry.create();
    private volatile boolean closed;

    private IngestRuntime(String httpAddress, int httpPort) {
        this.ops = new OpsHttpServer(new InetSocketAddress(httpAddress, httpPort), registry, this::readiness).start();
    }

    /**
     * Serves health at once and starts the worker, waiting for Kafka as long as it takes (the wait
     * ends with {@link InterruptedException} when the thread is interrupted, e.g. on SIGTERM).
     */
    public static IngestRuntime start(IngestConfig config, StowageClient.Builder client) throws InterruptedException {
        IngestRuntime runtime = new IngestRuntime(config.httpAddress(), config.httpPort());
        try {
            runtime.service.set(IngestService.start(config, client, runtime.registry));
            return runtime;
        } catch (InterruptedException | RuntimeException e) {
            runtime.close();
            throw e;
        }
    }

    private Readiness readiness() {
        IngestService s = service.get();
        if (s == null) {
            return Readiness.notReady("connecting to Kafka");
        }
        if (!s.isRunning()) {
            return Readiness.notReady("the ingest loop has stopped; see the log");
        }
        return s.isReady() ? Readiness.READY : Readiness.notReady("the consumer has not polled recently");
    }

    public int httpPort() {
        return ops.port();
    }

    public boolean isRunning() {
        IngestService s = service.get();
        return s != null && s.isRunning();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        IngestService s = service.getAndSet(null);
        if (s != null) {
            s.close();
        }
        ops.close();
    }
}
