package io.stowage.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.embedded.LocalS3;
import io.stowage.s3.S3Bucket;
import io.stowage.server.testing.TestBackends;
import io.stowage.server.testing.s3.S3Endpoint;
import org.junit.jupiter.api.Test;

/** The export to S3Proxy, the S3-compatible server this project embeds (in-process). */
class ParquetExportToS3ProxyTest extends ParquetExportToS3Test {
    @Override
    S3Endpoint endpoint() {
        return new S3Endpoint("S3Proxy", TestBackends.s3().endpoint(), LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY);
    }

    @Test
    void wrongKeysAreRefusedWithAHint() {
        Archive.Run run = archive.exportPrinting(s -> S3Bucket.open(s, S3ExportTarget.NAMES, LocalS3.ACCESS_KEY, "wrong"),
                "--stream", "alerts", "--to", "s3://" + bucket + "/x",
                "--export-s3-endpoint", endpoint().uri().toString(), "--export-s3-path-style", "true");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("cannot access bucket '" + bucket + "'").contains("HTTP 403")
                .contains("check the credentials and STOWAGE_EXPORT_S3_REGION");
    }
}
