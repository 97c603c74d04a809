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

    /** S3Proxy echoes x-amz-checksum-crc32c; without an MD5 ETag to compare, every run uploads. */
    @Test
    void aCrc32cProofWorksAndEveryRunUploads() throws Exception {
        for (int run = 0; run < 2; run++) {
            Archive.Run r = s3.export(endpoint(), "--stream", "alerts", "--export-s3-checksum", "crc32c");
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("5 files uploaded, 0 already there");
        }
        assertThat(S3Exports.digests(s3.download(endpoint()))).isEqualTo(s3.local("--stream", "alerts"));
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
