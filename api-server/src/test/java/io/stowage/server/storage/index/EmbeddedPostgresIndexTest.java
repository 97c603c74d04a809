package io.stowage.server.storage.index;

import io.stowage.server.storage.index.postgres.Database;
import io.stowage.server.testing.TestBackends;

/** The index against PostgreSQL run from Maven Central's binaries, as {@code stowage dev} runs it. */
class EmbeddedPostgresIndexTest extends MessageIndexContractTest {
    @Override
    protected Database connect(String schema) {
        return TestBackends.database(schema);
    }
}
