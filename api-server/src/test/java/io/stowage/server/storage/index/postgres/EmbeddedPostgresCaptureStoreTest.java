package io.stowage.server.storage.index.postgres;

import io.stowage.server.storage.index.CaptureStoreContractTest;
import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.testing.TestBackends;

/** The captures in the embedded PostgreSQL, as {@code stowage dev} and the server keep them. */
class EmbeddedPostgresCaptureStoreTest extends CaptureStoreContractTest {
    @Override
    protected MessageIndex open(String schema) {
        return new PostgresIndex(TestBackends.database(schema));
    }
}
