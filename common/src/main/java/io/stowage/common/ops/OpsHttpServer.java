package io.stowage.common.ops;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations endpoint of a Stowage process, over plain HTTP:
 * <ul>
 *   <li>{@code /healthz}: 200 "ok" while the process runs (a liveness probe);
 *   <li>{@code /readyz}: 200 when the readiness check passes, else 503 with the reason in one line;
 *   <li>{@code /metrics}: the registry in the exposition format the scraper asks for (Prometheus
 *       text by default, OpenMetrics or protobuf when its {@code Accept} header prefers them).
 * </ul>
 * The JVM and process metrics (memory, GC, threads, class loading, CPU, uptime, open files) are
 * bound to the registry here, so every process that serves this endpoint reports them.
 */
public final class OpsHttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OpsHttpServer.class);
    private static final String TEXT = "text/plain; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService handlers;
    private final PrometheusMeterRegistry registry;
    private final ReadinessCheck readiness;
    private final ExpositionFormats formats = ExpositionFormats.init();
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();

    /** Binds {@code address} (port 0 picks a free port); serving begins with {@link #start()}. */
    public OpsHttpServer(InetSocketAddress address, PrometheusMeterRegistry registry, ReadinessCheck readiness) {
        this.registry = registry;
        this.readiness = readiness;
        try {
            this.server = HttpServer.create(address, 0);
        } catch (IOException e) {
            throw new UncheckedIOException("could not listen for HTTP on " + address.getHostString() + ":"
                    + address.getPort() + ": " + e.getMessage() + " (is the port in use? set STOWAGE_HTTP_PORT, and"
                    + " STOWAGE_HTTP_ADDRESS to an address of this machine)", e);
        }
        AtomicInteger n = new AtomicInteger();
        // a few threads, so that a slow readiness check does not hold up a scrape
        this.handlers = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "stowage-ops-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(handlers);
        server.createContext("/", this::handle);
        bindProcessMetrics();
    }

    private void bindProcessMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
    }

    public OpsHttpServer start() {
        server.start();
        log.info("Metrics and health on http://{}:{}/metrics", server.getAddress().getHostString(), port());
        return this;
    }

    /** The port it listens on (the chosen one when bound to port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) {
        try {
            String method = exchange.getRequestMethod();
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                respond(exchange, 405, TEXT, "method not allowed: use GET\n");
                return;
            }
            switch (exchange.getRequestURI().getPath()) {
                case "/healthz" -> respond(exchange, 200, TEXT, "ok\n");
                case "/readyz" -> readyz(exchange);
                case "/metrics" -> metrics(exchange);
                default -> respond(exchange, 404, TEXT, "not found; try /healthz, /readyz or /metrics\n");
            }
        } catch (IOException | RuntimeException e) {
            log.warn("HTTP {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
        } finally {
            exchange.close();
        }
    }

    private void readyz(HttpExchange exchange) throws IOException {
        Readiness r;
        try {
            r = readiness.check();
        } catch (RuntimeException e) {
            log.warn("Readiness check failed", e);
            r = Readiness.notReady("readiness check failed: " + e);
        }
        if (r.ready()) {
            respond(exchange, 200, TEXT, "ready\n");
        } else {
            respond(exchange, 503, TEXT, "not ready: " + r.reason() + "\n");
        }
    }

    private void metrics(HttpExchange exchange) throws IOException {
        ExpositionFormatWriter format = formats.findWriter(exchange.getRequestHeaders().getFirst("Accept"));
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        // micrometer picks the same writer from the content type we settled on
        registry.scrape(body, format.getContentType());
        respond(exchange, 200, format.getContentType(), body.toByteArray());
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        respond(exchange, status, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void respond(HttpExchange exchange, int status, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head || body.length == 0 ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Stops at once: probes and scrapes need no grace. */
    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
        gcMetrics.close();
    }
}
