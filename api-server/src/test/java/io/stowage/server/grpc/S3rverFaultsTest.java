package io.stowage.server.grpc;

import io.grpc.Status;
import io.stowage.server.testing.s3.S3Endpoint;
import io.stowage.server.testing.s3.S3rverProcess;

/**
 * s3rver checks neither Content-MD5 nor the payload hash: it keeps a damaged body and answers its
 * MD5 as the ETag, which Stowage compares with its own. Skipped without node and npm.
 */
class S3rverFaultsTest extends S3FaultsTest {
    @Override
    S3Endpoint upstream() {
        return S3rverProcess.endpoint();
    }

    @Override
    Status.Code damagedBodyStatus() {
        return Status.Code.FAILED_PRECONDITION;
    }

    @Override
    String damagedBodyWords() {
        return "something between changes them";
    }
}
