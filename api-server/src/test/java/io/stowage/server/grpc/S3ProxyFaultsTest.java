package io.stowage.server.grpc;

import io.grpc.Status;
import io.stowage.embedded.LocalS3;
import io.stowage.server.testing.TestBackends;
import io.stowage.server.testing.s3.S3Endpoint;

/** S3Proxy checks the signed payload hash of a PUT, so it refuses a damaged body (BadDigest family). */
class S3ProxyFaultsTest extends S3FaultsTest {
    @Override
    S3Endpoint upstream() {
        return new S3Endpoint("S3Proxy", TestBackends.s3().endpoint(), LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY);
    }

    @Override
    Status.Code damagedBodyStatus() {
        return Status.Code.UNAVAILABLE;
    }

    @Override
    String damagedBodyWords() {
        return "received other bytes";
    }
}
