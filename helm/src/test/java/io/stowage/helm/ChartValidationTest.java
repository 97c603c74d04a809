package io.stowage.helm;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Values that cannot make a working installation stop the rendering, saying what to set. */
class ChartValidationTest {

    @Test
    void bareDefaultsAskForAnExternalPostgres() {
        assertThatThrownBy(() -> Rendered.render(null, Map.of()))
                .hasMessageContaining("set database.url")
                .hasMessageContaining("external PostgreSQL")
                .hasMessageContaining("for one machine only");
    }

    @Test
    void withoutABucketAsksForS3() {
        assertThatThrownBy(() -> Rendered.render(null, Map.of(
                "database.url", "jdbc:postgresql://postgres:5432/stowage", "kafka.bootstrapServers", "kafka:9092")))
                .hasMessageContaining("set s3.bucket");
    }

    @Test
    void theWorkerNeedsKafkaBrokers() {
        assertThatThrownBy(() -> Rendered.render(null, Map.of(
                "database.url", "jdbc:postgresql://postgres:5432/stowage", "s3.bucket", "archive")))
                .hasMessageContaining("set kafka.bootstrapServers")
                .hasMessageContaining("ingest.enabled=false");
    }

    @Test
    void aDatabaseUrlMustBeAPostgresJdbcUrl() {
        assertThatThrownBy(() -> Rendered.render(null, Rendered.required(Map.of(
                "database.url", "postgres://postgres:5432/stowage"))))
                .hasMessageContaining("/database/url")
                .hasMessageContaining("jdbc:postgresql://");
    }

    @Test
    void secretsCannotBeGivenAsSettings() {
        assertThatThrownBy(() -> Rendered.render(null, Rendered.required(Map.of(
                "config.server.STOWAGE_DB_PASSWORD", "hunter2"))))
                .hasMessageContaining("config.server.STOWAGE_DB_PASSWORD would put a secret into a ConfigMap")
                .hasMessageContaining("use database.existingSecret");
        assertThatThrownBy(() -> Rendered.render(null, Rendered.required(Map.of(
                "config.ingest.KAFKA_SASL_JAAS_CONFIG", "x"))))
                .hasMessageContaining("use kafka.sasl.existingSecret");
        assertThatThrownBy(() -> Rendered.render(null, Rendered.required(Map.of(
                "config.ingest.KAFKA_SSL_KEYSTORE_PASSWORD", "x"))))
                .hasMessageContaining("use ingest.extraEnv with valueFrom.secretKeyRef");
    }

    @Test
    void misspelledValuesAreRefused() {
        assertThatThrownBy(() -> Rendered.render(null, Rendered.required(Map.of("databse.user", "archive"))))
                .hasMessageContaining("databse");
    }

    @Test
    void tlsNeedsItsSecret() {
        assertThatThrownBy(() -> Rendered.render(null, Rendered.required(Map.of("tls.enabled", "true"))))
                .hasMessageContaining("tls.enabled needs tls.existingSecret");
    }

    @Test
    void requiredTokensNeedATokenForTheWorker() {
        assertThatThrownBy(() -> Rendered.render(null, Rendered.required(Map.of(
                "auth.tokens.existingSecret", "stowage-api-tokens"))))
                .hasMessageContaining("set auth.ingestToken.existingSecret");
    }

    @Test
    void mutualTlsNeedsACertificateForTheWorker() {
        assertThatThrownBy(() -> Rendered.render(Rendered.PRODUCTION_VALUES, Map.of(
                "tls.clientCa.existingSecret", "stowage-clients-ca")))
                .hasMessageContaining("set tls.ingestClientCert.existingSecret");
    }
}
