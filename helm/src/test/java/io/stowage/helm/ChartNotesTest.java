package io.stowage.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.InstallCommand;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What {@code helm install} prints afterwards (NOTES.txt), from a client-only dry run. */
class ChartNotesTest {

    @Test
    void notesShowHowToCallTheApiThroughAPortForward() {
        String notes = notes(Rendered.REQUIRED, false);

        assertThat(notes)
                .contains("kubectl --namespace kafka-archive port-forward service/archive-stowage-server 50051:50051")
                .contains("grpcurl -plaintext localhost:50051 list")
                .contains("grpcurl -plaintext -d '{\"ids\":[\"<message id>\"]}' localhost:50051 "
                        + "stowage.v1.Messages/GetBatch")
                .contains("curl -i localhost:8080/readyz");
    }

    @Test
    void withTlsAndTokensTheExampleTrustsTheCaAndSendsAToken() {
        String notes = notes(Map.of(), true);

        assertThat(notes)
                .contains("get secret stowage-server-tls -o jsonpath='{.data.ca\\.crt}' | base64 -d > ca.crt")
                .contains("grpcurl -cacert ca.crt -servername archive-stowage-server.kafka-archive.svc"
                        + " -H \"authorization: Bearer $STOWAGE_TOKEN\" localhost:50051 list")
                .doesNotContain("-plaintext");
    }

    private static String notes(Map<String, String> set, boolean production) {
        InstallCommand install = new Helm(Rendered.CHART).install().withName(Rendered.RELEASE)
                .withNamespace(Rendered.NAMESPACE).withKubeVersion(Rendered.KUBE_VERSION).clientOnly().dryRun();
        if (production) {
            install.withValuesFile(Rendered.PRODUCTION_VALUES);
        }
        set.forEach(install::set);
        String output = install.call().getOutput();
        assertThat(output).contains("NOTES:");
        return output.substring(output.indexOf("NOTES:"));
    }
}
