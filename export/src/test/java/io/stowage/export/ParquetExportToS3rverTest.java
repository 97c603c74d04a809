package io.stowage.export;

import io.stowage.server.testing.s3.S3Endpoint;
import io.stowage.server.testing.s3.S3rverProcess;

/** The export to s3rver, an S3-compatible server this project does not embed (a node process). */
class ParquetExportToS3rverTest extends ParquetExportToS3Test {
    @Override
    S3Endpoint endpoint() {
        return S3rverProcess.endpoint();
    }
}
