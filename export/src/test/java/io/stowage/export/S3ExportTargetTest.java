package io.stowage.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.common.config.ConfigException;
import io.stowage.common.config.SettingsSource;
import io.stowage.s3.S3Checksum;
import io.stowage.s3.S3Settings;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --to s3://bucket/prefix} and the STOWAGE_EXPORT_S3_* settings, read without a server. */
class S3ExportTargetTest {
    private static final SettingsSource NONE = new SettingsSource(Map.of(), Map.of());

    @Test
    void theUriGivesBucketAndPrefixAndTheSettingsTheRest() {
        S3Settings s = S3ExportTarget.parse("s3://lake/stowage/parquet/", new SettingsSource(
                Map.of("STOWAGE_EXPORT_S3_PATH_STYLE", "true"),
                Map.of("STOWAGE_EXPORT_S3_ENDPOINT", "http://minio:9000", "STOWAGE_EXPORT_S3_CHECKSUM", "sha256")));
        assertThat(s.bucket()).isEqualTo("lake");
        assertThat(s.prefix()).isEqualTo("stowage/parquet");
        assertThat(s.endpoint()).contains(URI.create("http://minio:9000"));
        assertThat(s.pathStyle()).isTrue();
        assertThat(s.checksum()).isEqualTo(S3Checksum.SHA256);
        assertThat(s.region()).isEqualTo("us-east-1");
    }

    @Test
    void aBucketAloneHasNoPrefixAndAwsDefaults() {
        S3Settings s = S3ExportTarget.parse("s3://lake", NONE);
        assertThat(s.prefix()).isEmpty();
        assertThat(s.endpoint()).isEmpty();
        assertThat(s.pathStyle()).isFalse();
        assertThat(s.checksum()).isEqualTo(S3Checksum.MD5);
    }

    @Test
    void aUriWithoutABucketOrWithAnEscapingPrefixIsRefused() {
        assertThatThrownBy(() -> S3ExportTarget.parse("s3://", NONE)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("s3://bucket/prefix");
        assertThatThrownBy(() -> S3ExportTarget.parse("s3:///prefix", NONE)).isInstanceOf(ConfigException.class);
        assertThatThrownBy(() -> S3ExportTarget.parse("s3://lake/a/../b", NONE)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("folder names");
        assertThatThrownBy(() -> S3ExportTarget.parse("s3://lake/a//b", NONE)).isInstanceOf(ConfigException.class);
    }

    @Test
    void anInvalidSettingNamesItself() {
        assertThatThrownBy(() -> S3ExportTarget.parse("s3://lake", new SettingsSource(Map.of(),
                Map.of("STOWAGE_EXPORT_S3_CHECKSUM", "crc64")))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("STOWAGE_EXPORT_S3_CHECKSUM");
    }

    @Test
    void onlyNamesThisToolGivesArePartNumbers() {
        assertThat(PartitionFiles.number("part-00012.parquet")).isEqualTo(12);
        assertThat(PartitionFiles.number("part-00012.parquet.tmp")).isEqualTo(-1);
        assertThat(PartitionFiles.number("part-.parquet")).isEqualTo(-1);
        assertThat(PartitionFiles.number("x")).isEqualTo(-1);
        assertThat(PartitionFiles.number("notes.parquet")).isEqualTo(-1);
    }
}
