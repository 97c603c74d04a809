package io.stowage.server.storage.index.memory;

import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.storage.index.MessageIndexContractTest;

/** The in-memory index passes the contract the PostgreSQL index passes. */
class InMemoryIndexTest extends MessageIndexContractTest {
    @Override
    protected MessageIndex open(String name) {
        return new InMemoryIndex();
    }
}
