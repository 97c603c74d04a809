package io.stowage.server.storage.index.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.storage.index.MessageIndexContractTest;
import io.stowage.server.testing.TestBackends;
import org.junit.jupiter.api.Test;

/**
 * The index against the embedded PostgreSQL, as {@code stowage dev} runs it;
 * plus what only PostgreSQL has: its schema migrations.
 */
class EmbeddedPostgresIndexTest extends MessageIndexContractTest {
    @Override
    protected MessageIndex open(String schema) {
        return new PostgresIndex(TestBackends.database(schema));
    }

    @Test
    void migrationsRunOnceAcrossRestarts() {
        String schema = index.description().replaceAll(".*\\(schema (.*)\\)", "$1");
        try (Database again = TestBackends.database(schema)) {
            int versions = again.withConnection("count versions", c -> {
                try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM schema_version")) {
                    rs.next();
                    return rs.getInt(1);
                }
            });
            assertThat(versions).isEqualTo(5);
        }
    }
}
