package io.stowage.server.storage.index;

import io.stowage.server.storage.index.postgres.Database;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** The index against the official PostgreSQL image, on machines that run Docker. */
@Testcontainers(disabledWithoutDocker = true)
class ContainerPostgresIndexTest extends MessageIndexContractTest {
    @Container
    static final PostgreSQLContainer POSTGRES = new PostgreSQLContainer("postgres:17-alpine");

    @Override
    protected Database connect(String schema) {
        return Database.connect(POSTGRES.getJdbcUrl(), POSTGRES.getUsername(), POSTGRES.getPassword(), schema, 4);
    }
}
