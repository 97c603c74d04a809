package io.stowage.common.kafka;

import io.stowage.common.config.ConfigException;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/**
 * Kafka client properties from the environment: an optional properties file, then every
 * {@code KAFKA_*} variable ({@code KAFKA_SASL_MECHANISM} is {@code sasl.mechanism}). So SASL, TLS
 * and any other client setting pass through to the worker, replay and publish alike.
 */
public final class KafkaClientProperties {
    /** Variables with the KAFKA_ prefix that are not client properties. */
    private static final Set<String> NOT_PROPERTIES = Set.of("KAFKA_PROPERTIES_FILE", "KAFKA_HOME", "KAFKA_OPTS",
            "KAFKA_HEAP_OPTS", "KAFKA_JVM_PERFORMANCE_OPTS", "KAFKA_LOG4J_OPTS");

    private KafkaClientProperties() {}

    public static Properties from(Map<String, String> env, Optional<Path> file) {
        Properties props = new Properties();
        if (file.isPresent()) {
            try (Reader r = Files.newBufferedReader(file.get())) {
                props.load(r);
            } catch (IOException e) {
                throw new ConfigException("KAFKA_PROPERTIES_FILE: cannot read " + file.get() + ": " + e.getMessage());
            }
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (e.getKey().startsWith("KAFKA_") && !NOT_PROPERTIES.contains(e.getKey())) {
                props.setProperty(propertyName(e.getKey()), e.getValue());
            }
        }
        return props;
    }

    /** {@code KAFKA_SASL_JAAS_CONFIG} is {@code sasl.jaas.config}. */
    public static String propertyName(String variable) {
        return variable.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.');
    }

    /** The properties of {@code all} that a client with these config names takes. */
    public static Properties only(Properties all, Set<String> configNames) {
        Properties props = new Properties();
        for (String name : all.stringPropertyNames()) {
            if (configNames.contains(name)) {
                props.setProperty(name, all.getProperty(name));
            }
        }
        return props;
    }
}
