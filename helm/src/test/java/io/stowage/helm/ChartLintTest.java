package io.stowage.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

class ChartLintTest {

    @Test
    void lintPassesStrictly() {
        LintResult lint = new Helm(Rendered.CHART).lint().strict().call();

        assertThat(lint.isFailed()).as("helm lint --strict: %s", lint.getMessages()).isFalse();
        assertThat(lint.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Test
    void chartInstallsTheVersionThisBuildMakes() throws Exception {
        JsonNode chart = new YAMLMapper().readTree(Files.readString(Rendered.CHART.resolve("Chart.yaml")));

        assertThat(chart.path("apiVersion").asText()).isEqualTo("v2");
        assertThat(chart.path("appVersion").asText())
                .as("Chart.yaml appVersion (the default image tag) follows the Maven project version")
                .isEqualTo(System.getProperty("stowage.version"));
    }
}
