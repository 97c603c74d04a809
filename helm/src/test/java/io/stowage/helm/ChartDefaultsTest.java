package io.stowage.helm;

import static io.stowage.helm.Rendered.FULLNAME;
import static io.stowage.helm.Rendered.ports;
import static io.stowage.helm.Rendered.selects;
import static io.stowage.helm.Rendered.servicePorts;
import static io.stowage.helm.Rendered.text;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The chart with only the values it cannot do without: database URL, bucket, Kafka brokers. */
class ChartDefaultsTest {
    final Rendered chart = Rendered.withRequiredValuesOnly();

    @Test
    void rendersTheServerAndTheWorkerWithTheirServicesBudgetsAndConfiguration() {
        Map<String, List<String>> names = chart.objects.stream().collect(Collectors.groupingBy(
                o -> o.path("kind").asText(), Collectors.mapping(o -> o.at("/metadata/name").asText(),
                        Collectors.toList())));

        assertThat(names).containsOnlyKeys("ServiceAccount", "ConfigMap", "Service", "Deployment",
                "PodDisruptionBudget");
        assertThat(names.get("Deployment")).containsExactlyInAnyOrder(FULLNAME + "-server", FULLNAME + "-ingest");
        assertThat(names.get("Service")).containsExactlyInAnyOrder(FULLNAME + "-server", FULLNAME + "-ingest");
        assertThat(names.get("ConfigMap")).containsExactlyInAnyOrder(FULLNAME + "-server", FULLNAME + "-ingest");
        assertThat(names.get("PodDisruptionBudget"))
                .containsExactlyInAnyOrder(FULLNAME + "-server", FULLNAME + "-ingest");
        assertThat(names.get("ServiceAccount")).containsExactly(FULLNAME);
    }

    @Test
    void bothRunTheOneImageWithTheirSubcommand() {
        assertThat(chart.container("server").path("image").asText()).isEqualTo(
                "stowage:" + System.getProperty("stowage.version"));
        assertThat(chart.container("ingest").path("image").asText())
                .isEqualTo(chart.container("server").path("image").asText());
        assertThat(chart.container("server").path("args")).containsExactly(text("server"));
        assertThat(chart.container("ingest").path("args")).containsExactly(text("ingest"));
    }

    @Test
    void serverReadsItsSettingsFromItsConfigMap() {
        assertThat(chart.config("server"))
                .containsEntry("STOWAGE_DB_URL", "jdbc:postgresql://postgres:5432/stowage")
                .containsEntry("STOWAGE_DB_USER", "stowage")
                .containsEntry("STOWAGE_DB_SCHEMA", "stowage")
                .containsEntry("STOWAGE_S3_BUCKET", "archive")
                .containsEntry("STOWAGE_S3_REGION", "us-east-1")
                .containsEntry("STOWAGE_RETENTION", "forever")
                .doesNotContainKeys("STOWAGE_S3_ENDPOINT", "STOWAGE_S3_PREFIX");
        assertThat(chart.env("server")).containsKeys("STOWAGE_GRPC_PORT", "STOWAGE_HTTP_PORT", "STOWAGE_DATA_DIR");
        assertThat(chart.env("server").get("STOWAGE_DATA_DIR").path("value").asText()).isEqualTo("/data");
        assertThat(chart.env("server").get("STOWAGE_JAVA_OPTS").path("value").asText())
                .contains("-Djava.io.tmpdir=/tmp");
    }

    @Test
    void workerReadsKafkaAndTheServerServiceFromItsConfigMap() {
        assertThat(chart.config("ingest"))
                .containsEntry("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092")
                .containsEntry("STOWAGE_TOPICS", ".*")
                .containsEntry("STOWAGE_GROUP_ID", "stowage-ingest")
                .containsEntry("STOWAGE_SERVER", FULLNAME + "-server." + Rendered.NAMESPACE + ".svc:50051")
                .doesNotContainKeys("KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_MECHANISM", "STOWAGE_VETO");
    }

    @Test
    void withoutSecretsConfiguredNothingReadsASecret() {
        assertThat(chart.text).doesNotContain("secretKeyRef").doesNotContain("secretName");
        assertThat(chart.env("server")).doesNotContainKeys("STOWAGE_DB_PASSWORD", "AWS_ACCESS_KEY_ID",
                "STOWAGE_TLS_CERT", "STOWAGE_TOKENS_FILE");
        assertThat(chart.env("ingest")).doesNotContainKeys("KAFKA_SASL_JAAS_CONFIG", "STOWAGE_TOKEN", "STOWAGE_TLS");
    }

    @Test
    void serverProbesAreHttpHealthAndReadinessOnItsMetricsPort() {
        JsonNode server = chart.container("server");

        assertThat(ports(server)).containsExactlyInAnyOrderEntriesOf(Map.of("grpc", 50051, "http", 8080));
        assertThat(server.at("/startupProbe/httpGet/path").asText()).isEqualTo("/healthz");
        assertThat(server.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/healthz");
        assertThat(server.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
        assertThat(List.of(server.at("/startupProbe/httpGet/port").asText(),
                server.at("/livenessProbe/httpGet/port").asText(),
                server.at("/readinessProbe/httpGet/port").asText())).containsOnly("http");
        assertThat(chart.env("server").get("STOWAGE_HTTP_PORT").path("value").asText()).isEqualTo("8080");
        assertThat(chart.env("server").get("STOWAGE_HTTP_ADDRESS").path("value").asText())
                .as("the kubelet probes the pod's address, not loopback").isEqualTo("0.0.0.0");
        assertThat(chart.env("server").get("STOWAGE_GRPC_PORT").path("value").asText()).isEqualTo("50051");
    }

    @Test
    void workerProbesAreHttpHealthAndReadinessOn8081() {
        JsonNode ingest = chart.container("ingest");

        assertThat(ports(ingest)).containsExactly(Map.entry("http", 8081));
        assertThat(ingest.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/healthz");
        assertThat(ingest.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/readyz");
        assertThat(ingest.at("/readinessProbe/httpGet/port").asText()).isEqualTo("http");
        assertThat(chart.env("ingest").get("STOWAGE_HTTP_PORT").path("value").asText()).isEqualTo("8081");
        assertThat(chart.env("ingest").get("STOWAGE_HTTP_ADDRESS").path("value").asText())
                .as("the kubelet probes the pod's address, not loopback").isEqualTo("0.0.0.0");
    }

    @Test
    void podsRunAsTheImageUserWithoutPrivilegesOnAReadOnlyRoot() {
        for (String component : List.of("server", "ingest")) {
            JsonNode pod = chart.deployment(component).at("/spec/template/spec");
            JsonNode container = chart.container(component);

            assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).as(component).isTrue();
            assertThat(pod.at("/securityContext/runAsUser").asInt()).as(component).isEqualTo(10001);
            assertThat(pod.at("/securityContext/seccompProfile/type").asText()).as(component)
                    .isEqualTo("RuntimeDefault");
            assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).as(component).isFalse();
            assertThat(pod.path("serviceAccountName").asText()).as(component).isEqualTo(FULLNAME);
            assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).as(component).isTrue();
            assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).as(component)
                    .isFalse();
            assertThat(container.at("/securityContext/capabilities/drop")).as(component).containsExactly(text("ALL"));
            assertThat(container.at("/resources/requests/memory").asText()).as(component).isNotEmpty();
            assertThat(container.at("/resources/limits/memory").asText()).as(component).isNotEmpty();
        }
    }

    @Test
    void writableDirectoriesAreEmptyDirs() {
        assertThat(chart.mounts("server")).containsExactlyInAnyOrderEntriesOf(Map.of("tmp", "/tmp", "data", "/data"));
        assertThat(chart.mounts("ingest")).containsExactlyInAnyOrderEntriesOf(Map.of("tmp", "/tmp"));
        assertThat(chart.volume("server", "tmp").has("emptyDir")).isTrue();
        assertThat(chart.volume("server", "data").has("emptyDir")).isTrue();
        assertThat(chart.volume("ingest", "tmp").has("emptyDir")).isTrue();
    }

    @Test
    void servicesAndBudgetsSelectExactlyTheirComponentsPods() {
        JsonNode serverService = chart.get("Service", FULLNAME + "-server");
        JsonNode ingestService = chart.get("Service", FULLNAME + "-ingest");

        assertThat(servicePorts(serverService)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "grpc", "50051->grpc", "http", "8080->http"));
        assertThat(servicePorts(ingestService)).containsExactly(Map.entry("http", "8081->http"));
        for (String component : List.of("server", "ingest")) {
            JsonNode podLabels = chart.deployment(component).at("/spec/template/metadata/labels");
            String other = component.equals("server") ? "ingest" : "server";
            JsonNode otherPodLabels = chart.deployment(other).at("/spec/template/metadata/labels");
            JsonNode service = chart.get("Service", FULLNAME + "-" + component).at("/spec/selector");
            JsonNode budget = chart.get("PodDisruptionBudget", FULLNAME + "-" + component);
            JsonNode deploymentSelector = chart.deployment(component).at("/spec/selector/matchLabels");

            assertThat(selects(service, podLabels)).as("Service %s selects its pods", component).isTrue();
            assertThat(selects(service, otherPodLabels)).as("Service %s leaves the %s pods", component, other)
                    .isFalse();
            assertThat(budget.at("/spec/selector/matchLabels")).as(component).isEqualTo(deploymentSelector);
            assertThat(selects(deploymentSelector, podLabels)).as(component).isTrue();
            assertThat(budget.at("/spec/maxUnavailable").asInt()).as(component).isEqualTo(1);
        }
    }

    @Test
    void aChangedSettingRollsThePods() {
        String before = chart.deployment("server").at("/spec/template/metadata/annotations/checksum~1config").asText();
        Rendered changed = Rendered.render(null, Rendered.required(Map.of("server.retention", "720h")));

        assertThat(before).hasSize(64);
        assertThat(changed.deployment("server").at("/spec/template/metadata/annotations/checksum~1config").asText())
                .isNotEqualTo(before);
        assertThat(changed.deployment("ingest").at("/spec/template/metadata/annotations/checksum~1config").asText())
                .isEqualTo(chart.deployment("ingest").at("/spec/template/metadata/annotations/checksum~1config")
                        .asText());
    }

    @Test
    void withoutTheWorkerKafkaIsNotNeeded() {
        Rendered serverOnly = Rendered.render(null, Map.of(
                "database.url", "jdbc:postgresql://postgres:5432/stowage",
                "s3.bucket", "archive",
                "ingest.enabled", "false"));

        assertThat(serverOnly.ofKind("Deployment")).hasSize(1);
        assertThat(serverOnly.objects).noneMatch(o -> o.at("/metadata/name").asText().endsWith("-ingest"));
    }
}
