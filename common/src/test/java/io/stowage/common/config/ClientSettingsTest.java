package io.stowage.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientSettingsTest {

    private static ClientSettings with(String server) {
        return ClientSettings.from(new SettingsSource(Map.of(), Map.of("STOWAGE_SERVER", server)));
    }

    @Test
    void aUrlAsTheBufCurlExamplesWriteItIsHostAndPort() {
        ClientSettings s = with("http://localhost:50051/");
        assertThat(s.server()).isEqualTo("localhost:50051");
        assertThat(s.tls()).isFalse();
    }

    @Test
    void httpsMeansTls() {
        ClientSettings s = with("https://stowage.example.org");
        assertThat(s.server()).isEqualTo("stowage.example.org:443");
        assertThat(s.tls()).isTrue();
    }

    @Test
    void hostAndPortAndGrpcTargetsStayAsTheyAre() {
        assertThat(with("localhost:50051").server()).isEqualTo("localhost:50051");
        assertThat(with("dns:///stowage:50051").server()).isEqualTo("dns:///stowage:50051");
        assertThat(with("http://[::1]:50051/x").server()).isEqualTo("[::1]:50051");
    }
}
