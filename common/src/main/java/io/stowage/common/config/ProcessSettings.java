package io.stowage.common.config;

import java.time.Duration;

/**
 * The settings every long-running Stowage process has (the api-server and the ingest worker):
 * its HTTP endpoint for metrics and probes, and how long it may take to stop. Declared once, so the
 * two processes cannot drift apart in name or default.
 *
 * <p>Both default to port 8080: in a container or pod each process has its own. On one machine
 * {@code stowage dev} gives the worker another port (STOWAGE_DEV_WORKER_HTTP_PORT); run by hand
 * side by side, give one of them another STOWAGE_HTTP_PORT.
 */
public final class ProcessSettings {
    public static final Setting<String> HTTP_ADDRESS = Setting.of("STOWAGE_HTTP_ADDRESS", "127.0.0.1",
            "Address the HTTP endpoint (metrics, health probes) listens on: loopback by default, so that only"
                    + " this machine can read it; 0.0.0.0 for every interface (the container image sets it, so"
                    + " that probes and Prometheus reach it).", Values::string);
    public static final Setting<Integer> HTTP_PORT = Setting.of("STOWAGE_HTTP_PORT", "8080",
            "Port of the HTTP endpoint: Prometheus metrics (/metrics) and the health probes (/healthz,"
                    + " /readyz); 0 picks a free port.", Values::port);
    public static final Setting<Duration> SHUTDOWN_GRACE = Setting.of("STOWAGE_SHUTDOWN_GRACE", "30s",
            "On SIGTERM, how long work in flight may take to finish: the server's calls, the worker's batches"
                    + " (also on a rebalance; batches given up are consumed again, never lost).", Values::duration)
            .withDeprecatedName("STOWAGE_SHUTDOWN_TIMEOUT");

    private ProcessSettings() {}
}
