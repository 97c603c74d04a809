package io.stowage.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.common.config.ConfigException;
import io.stowage.common.config.SettingsSource;
import io.stowage.server.storage.SegmentFormat;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

    @Test
    void metricsAndHealthListenOn8080ByDefault() {
        assertThat(config(Map.of()).httpPort()).isEqualTo(8080);
        assertThat(config(Map.of("STOWAGE_HTTP_PORT", "0")).httpPort()).isZero();
    }

    @Test
    void metricsAndHealthListenOnLoopbackUnlessToldOtherwise() {
        assertThat(config(Map.of()).httpAddress()).isEqualTo("127.0.0.1");
        assertThat(config(Map.of("STOWAGE_HTTP_ADDRESS", "0.0.0.0")).httpAddress()).isEqualTo("0.0.0.0");
        assertThat(config(Map.of("STOWAGE_GRPC_HOST", "0.0.0.0")).httpAddress())
                .as("the gRPC address does not move the HTTP endpoint").isEqualTo("127.0.0.1");
    }

    @Test
    void batchLimitsDefaultToTheApiLimits() {
        assertThat(config(Map.of()).limits()).isEqualTo(new io.stowage.server.storage.Limits(
                io.stowage.api.ApiLimits.DEFAULT_MAX_BATCH_MESSAGES, io.stowage.api.ApiLimits.DEFAULT_MAX_MESSAGE_BYTES,
                io.stowage.api.ApiLimits.DEFAULT_MAX_BATCH_BYTES));
    }

    @Test
    void theHttpEndpointCannotShareTheGrpcPort() {
        assertThatThrownBy(() -> config(Map.of("STOWAGE_HTTP_PORT", "9000", "STOWAGE_GRPC_PORT", "9000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("STOWAGE_HTTP_PORT").hasMessageContaining("STOWAGE_GRPC_PORT");
    }

    @Test
    void anInvalidHttpPortIsNamed() {
        assertThatThrownBy(() -> config(Map.of("STOWAGE_HTTP_PORT", "http")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("STOWAGE_HTTP_PORT");
    }

    @Test
    void segmentsArePlainUnlessZstdIsAskedForAndTheLevelIsChecked() {
        assertThat(config(Map.of()).segmentFormat().compressed()).isFalse();
        SegmentFormat zstd = config(Map.of("STOWAGE_SEGMENT_COMPRESSION", "ZSTD", "STOWAGE_SEGMENT_COMPRESSION_LEVEL", "7"))
                .segmentFormat();
        assertThat(zstd.compressed()).isTrue();
        assertThat(zstd.level()).isEqualTo(7);
        assertThat(zstd.suffix()).isEqualTo(".bson.zst");
        assertThat(config(Map.of("STOWAGE_MAX_MESSAGE_BYTES", "64MiB")).segmentFormat().maxDocumentBytes())
                .isEqualTo(1 << 30);
        assertThatThrownBy(() -> config(Map.of("STOWAGE_SEGMENT_COMPRESSION", "gzip")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("STOWAGE_SEGMENT_COMPRESSION")
                .hasMessageContaining("none or zstd");
        assertThatThrownBy(() -> config(Map.of("STOWAGE_SEGMENT_COMPRESSION_LEVEL", "22")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("1 to 19");
    }

    @Test
    void aPoolTooSmallForTheCleanersLockIsRefusedAtStart() {
        assertThatThrownBy(() -> config(Map.of("STOWAGE_DB_POOL_SIZE", "1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("STOWAGE_DB_POOL_SIZE")
                .hasMessageContaining("at least 2");
    }

    @Test
    void theLockTimeoutIsTenSecondsUnlessSetAndNoLongerThanPostgresTakes() {
        assertThat(config(Map.of()).dbLockTimeout()).contains(Duration.ofSeconds(10));
        assertThat(config(Map.of("STOWAGE_DB_LOCK_TIMEOUT", "off")).dbLockTimeout()).isEmpty();
        assertThat(config(Map.of("STOWAGE_DB_LOCK_TIMEOUT", "500ms")).dbLockTimeout()).contains(Duration.ofMillis(500));
        assertThatThrownBy(() -> config(Map.of("STOWAGE_DB_LOCK_TIMEOUT", "30d")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("STOWAGE_DB_LOCK_TIMEOUT")
                .hasMessageContaining("at most 24d");
    }

    @Test
    void theCapOnGetBatchBytesInFlightIsAnEighthOfTheHeapUnlessSet() {
        assertThat(config(Map.of()).limits().getBytesInFlight()).isEqualTo(Runtime.getRuntime().maxMemory() / 8);
        assertThat(config(Map.of("STOWAGE_GET_BYTES_IN_FLIGHT", "256MiB")).limits().getBytesInFlight())
                .isEqualTo(256L << 20);
        assertThatThrownBy(() -> config(Map.of("STOWAGE_GET_BYTES_IN_FLIGHT", "10KiB")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("STOWAGE_GET_BYTES_IN_FLIGHT");
    }

    private static ServerConfig config(Map<String, String> env) {
        return ServerConfig.from(new SettingsSource(Map.of(), env));
    }
}
