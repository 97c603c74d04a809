package io.stowage.server.grpc;

import io.stowage.server.testing.ArchiveServer.Backend;

/** The service round trips against s3rver, an S3-compatible server this project does not embed. */
class MessagesServiceOnS3rverTest extends MessagesServiceTest {
    @Override
    Backend backend() {
        return Backend.S3RVER;
    }
}
