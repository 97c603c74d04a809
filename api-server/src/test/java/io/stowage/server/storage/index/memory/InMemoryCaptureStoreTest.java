package io.stowage.server.storage.index.memory;

import io.stowage.server.storage.index.CaptureStoreContractTest;
import io.stowage.server.storage.index.MessageIndex;

/** The in-memory captures pass the contract the PostgreSQL ones pass. */
class InMemoryCaptureStoreTest extends CaptureStoreContractTest {
    @Override
    protected MessageIndex open(String name) {
        return new InMemoryIndex();
    }
}
