package io.stowage.helm;

import static io.stowage.helm.Rendered.FULLNAME;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The chart with {@code ci/production-values.yaml}: S3 through an IAM role, an external
 * PostgreSQL, Hopskotch over SASL_SSL with SCRAM-SHA-512, TLS and tokens on the API.
 */
class ChartProductionTest {
    /** Variables whose values are secrets: always read from a Secret, never a value of the chart. */
    static final Set<String> SECRET_VARIABLES = Set.of("STOWAGE_DB_PASSWORD", "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY", "KAFKA_SASL_JAAS_CONFIG", "STOWAGE_TOKEN");

    final Rendered chart = Rendered.production();

    @Test
    void secretsAreReferencedNeverInlined() {
        assertThat(chart.ofKind("Secret")).as("the chart creates no Secret").isEmpty();
        assertThat(chart.text).doesNotContain("ScramLoginModule");
        for (String component : List.of("server", "ingest")) {
            assertThat(chart.config(component).keySet()).as(component).doesNotContainAnyElementsOf(SECRET_VARIABLES);
            chart.env(component).forEach((name, entry) -> {
                if (SECRET_VARIABLES.contains(name)) {
                    assertThat(entry.has("value")).as("%s of %s has a value", name, component).isFalse();
                    assertThat(entry.at("/valueFrom/secretKeyRef").isObject()).as(name).isTrue();
                }
            });
        }
    }

    @Test
    void serverReadsTheDatabasePasswordFromItsSecretAndReachesS3ThroughItsRole() {
        assertThat(secretRef(chart.env("server").get("STOWAGE_DB_PASSWORD"))).isEqualTo("stowage-db/password");
        assertThat(chart.env("server")).doesNotContainKeys("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY");
        assertThat(chart.get("ServiceAccount", FULLNAME).at("/metadata/annotations/eks.amazonaws.com~1role-arn")
                .asText()).isEqualTo("arn:aws:iam::123456789012:role/stowage-archive");
        assertThat(chart.config("server"))
                .containsEntry("STOWAGE_DB_URL",
                        "jdbc:postgresql://archive-db.example.internal:5432/stowage?sslmode=require")
                .containsEntry("STOWAGE_S3_BUCKET", "example-kafka-archive")
                .containsEntry("STOWAGE_S3_PREFIX", "hopskotch")
                .containsEntry("STOWAGE_S3_REGION", "us-west-2")
                .containsEntry("STOWAGE_CLEAN_INTERVAL", "30m")
                .containsEntry("STOWAGE_DB_POOL_SIZE", "32");
    }

    @Test
    void s3AccessKeysComeFromTheirSecretWhenGiven() {
        Rendered withKeys = Rendered.render(Rendered.PRODUCTION_VALUES, Map.of(
                "s3.existingSecret", "stowage-s3", "s3.accessKeyIdKey", "id", "s3.secretAccessKeyKey", "secret"));

        assertThat(secretRef(withKeys.env("server").get("AWS_ACCESS_KEY_ID"))).isEqualTo("stowage-s3/id");
        assertThat(secretRef(withKeys.env("server").get("AWS_SECRET_ACCESS_KEY"))).isEqualTo("stowage-s3/secret");
    }

    @Test
    void workerConsumesHopskotchOverSaslSslWithScramFromItsSecret() {
        assertThat(chart.config("ingest"))
                .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "kafka.scimma.org:9092")
                .containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                .containsEntry("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
                .containsEntry("KAFKA_AUTO_OFFSET_RESET", "earliest")
                .containsEntry("STOWAGE_BATCH_MESSAGES", "2000")
                .containsEntry("STOWAGE_TOPICS", "(gcn|igwn|icecube|lvk)\\..*")
                .containsEntry("STOWAGE_GROUP_ID", "my-hop-user-stowage-archive");
        assertThat(secretRef(chart.env("ingest").get("KAFKA_SASL_JAAS_CONFIG")))
                .isEqualTo("stowage-hopskotch/sasl.jaas.config");
    }

    @Test
    void serverServesTlsFromItsSecretAndAcceptsTheTokensOfItsFile() {
        Map<String, JsonNode> env = chart.env("server");

        assertThat(env.get("STOWAGE_TLS_CERT").path("value").asText()).isEqualTo("/etc/stowage/tls/tls.crt");
        assertThat(env.get("STOWAGE_TLS_KEY").path("value").asText()).isEqualTo("/etc/stowage/tls/tls.key");
        assertThat(env).doesNotContainKey("STOWAGE_TLS_CLIENT_CA");
        assertThat(env.get("STOWAGE_TOKENS_FILE").path("value").asText()).isEqualTo("/etc/stowage/tokens/tokens");
        assertThat(chart.mounts("server")).containsEntry("tls", "/etc/stowage/tls")
                .containsEntry("tokens", "/etc/stowage/tokens");
        assertThat(secretVolume(chart.volume("server", "tls")))
                .isEqualTo("stowage-server-tls: tls.crt->tls.crt tls.key->tls.key");
        assertThat(secretVolume(chart.volume("server", "tokens"))).isEqualTo("stowage-api-tokens: tokens->tokens");
    }

    @Test
    void workerCallsTheServerOverTlsTrustingItsCaWithItsToken() {
        Map<String, JsonNode> env = chart.env("ingest");

        assertThat(env.get("STOWAGE_TLS").path("value").asText()).isEqualTo("true");
        assertThat(env.get("STOWAGE_TLS_CA").path("value").asText()).isEqualTo("/etc/stowage/server-ca/ca.crt");
        assertThat(secretVolume(chart.volume("ingest", "server-ca"))).isEqualTo("stowage-server-tls: ca.crt->ca.crt");
        assertThat(chart.mounts("ingest")).containsEntry("server-ca", "/etc/stowage/server-ca");
        assertThat(secretRef(env.get("STOWAGE_TOKEN"))).isEqualTo("stowage-ingest-token/token");
        assertThat(chart.config("ingest")).containsEntry("STOWAGE_SERVER",
                FULLNAME + "-server." + Rendered.NAMESPACE + ".svc:50051");
    }

    @Test
    void mutualTlsGivesTheServerTheClientCaAndTheWorkerItsCertificate() {
        Rendered mtls = Rendered.render(Rendered.PRODUCTION_VALUES, Map.of(
                "tls.clientCa.existingSecret", "stowage-clients-ca",
                "tls.ingestClientCert.existingSecret", "stowage-ingest-cert"));

        assertThat(mtls.env("server").get("STOWAGE_TLS_CLIENT_CA").path("value").asText())
                .isEqualTo("/etc/stowage/client-ca/ca.crt");
        assertThat(secretVolume(mtls.volume("server", "client-ca"))).isEqualTo("stowage-clients-ca: ca.crt->ca.crt");
        assertThat(mtls.env("ingest").get("STOWAGE_TLS_CLIENT_CERT").path("value").asText())
                .isEqualTo("/etc/stowage/client-cert/tls.crt");
        assertThat(mtls.env("ingest").get("STOWAGE_TLS_CLIENT_KEY").path("value").asText())
                .isEqualTo("/etc/stowage/client-cert/tls.key");
        assertThat(secretVolume(mtls.volume("ingest", "client-cert")))
                .isEqualTo("stowage-ingest-cert: tls.crt->tls.crt tls.key->tls.key");
    }

    @Test
    void secretFilesAreReadOnlyAndReadableByThePodsGroupOnly() {
        for (String volume : List.of("tls", "tokens")) {
            assertThat(chart.volume("server", volume).at("/secret/defaultMode").asInt()).as(volume)
                    .isEqualTo(0440);
        }
        chart.container("server").path("volumeMounts").forEach(m -> {
            if (m.path("mountPath").asText().startsWith("/etc/stowage/")) {
                assertThat(m.path("readOnly").asBoolean()).as(m.toString()).isTrue();
            }
        });
        assertThat(chart.deployment("server").at("/spec/template/spec/securityContext/fsGroup").asInt())
                .isEqualTo(10001);
    }

    @Test
    void scalesAndSpreadsAsConfigured() {
        assertThat(chart.deployment("server").at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(chart.deployment("ingest").at("/spec/replicas").asInt()).isEqualTo(2);
        assertThat(chart.deployment("server").at("/spec/template/spec/topologySpreadConstraints/0/topologyKey")
                .asText()).isEqualTo("topology.kubernetes.io/zone");
        assertThat(chart.container("server").at("/resources/limits/memory").asText()).isEqualTo("4Gi");
    }

    @Test
    void serviceMonitorScrapesBothComponents() {
        JsonNode monitor = chart.get("ServiceMonitor", FULLNAME);

        assertThat(monitor.at("/metadata/labels/release").asText()).isEqualTo("kube-prometheus-stack");
        assertThat(monitor.at("/spec/endpoints/0/port").asText()).isEqualTo("http");
        assertThat(monitor.at("/spec/endpoints/0/path").asText()).isEqualTo("/metrics");
        for (JsonNode service : chart.ofKind("Service")) {
            assertThat(Rendered.selects(monitor.at("/spec/selector/matchLabels"), service.at("/metadata/labels")))
                    .as(service.at("/metadata/name").asText()).isTrue();
            assertThat(Rendered.servicePorts(service)).containsKey("http");
        }
    }

    private static String secretRef(JsonNode env) {
        assertThat(env).as("env entry").isNotNull();
        assertThat(env.has("value")).as("%s is inlined", env.path("name").asText()).isFalse();
        JsonNode ref = env.at("/valueFrom/secretKeyRef");
        return ref.path("name").asText() + "/" + ref.path("key").asText();
    }

    private static String secretVolume(JsonNode volume) {
        StringBuilder s = new StringBuilder(volume.at("/secret/secretName").asText()).append(":");
        volume.at("/secret/items").forEach(i -> s.append(' ').append(i.path("key").asText()).append("->")
                .append(i.path("path").asText()));
        return s.toString();
    }
}
