package io.stowage.cli;

import io.stowage.common.kafka.KafkaClientProperties;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;
import picocli.CommandLine.Option;

/**
 * Where a tool finds Kafka: {@code --bootstrap}, plus every {@code KAFKA_*} variable and an optional
 * {@code KAFKA_PROPERTIES_FILE}, for SASL, TLS and the rest (as the ingest worker takes them).
 */
final class KafkaOptions {
    @Option(names = {"--bootstrap", "--bootstrap-servers"}, paramLabel = "SERVERS", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka brokers (env KAFKA_BOOTSTRAP_SERVERS; default ${DEFAULT-VALUE}). Every other KAFKA_*"
                    + " variable passes through as a client property (KAFKA_SECURITY_PROTOCOL is security.protocol).")
    String bootstrap;

    Properties properties() {
        Optional<Path> file = Optional.ofNullable(System.getenv("KAFKA_PROPERTIES_FILE")).filter(f -> !f.isBlank())
                .map(Path::of);
        Properties props = KafkaClientProperties.from(System.getenv(), file);
        props.setProperty("bootstrap.servers", bootstrap);
        return props;
    }
}
