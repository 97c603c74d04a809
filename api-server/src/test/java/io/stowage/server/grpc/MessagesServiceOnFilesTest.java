package io.stowage.server.grpc;

import io.stowage.server.testing.ArchiveServer.Backend;

class MessagesServiceOnFilesTest extends MessagesServiceTest {
    @Override
    Backend backend() {
        return Backend.FILES;
    }
}
