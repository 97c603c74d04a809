package io.stowage.common.ops;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The registry behind a /metrics page: Prometheus text, every name following the Prometheus
 * conventions that {@code promtool check metrics} enforces, also for the JVM and process metrics
 * that Micrometer names otherwise.
 */
public final class PrometheusRegistry {
    private PrometheusRegistry() {}

    public static PrometheusMeterRegistry create() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // filters go first: Micrometer warns about a filter configured after a meter was registered
        registry.config().meterFilter(CONVENTIONS);
        return registry;
    }

    private static final MeterFilter CONVENTIONS = new MeterFilter() {
        @Override
        public MeterFilterReply accept(Meter.Id id) {
            // CPU time in nanoseconds ("_ns_total", an abbreviated unit that is not the base unit);
            // process_cpu_usage says the same as a ratio
            return id.getName().equals("process.cpu.time") ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
        }

        @Override
        public Meter.Id map(Meter.Id id) {
            // a gauge whose name ends in _count reads as part of a histogram or summary
            return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
        }
    };
}
