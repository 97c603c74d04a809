package io.stowage.server.grpc;

import io.stowage.server.testing.ArchiveServer.Backend;

class MessagesServiceOnS3Test extends MessagesServiceTest {
    @Override
    Backend backend() {
        return Backend.S3;
    }
}
