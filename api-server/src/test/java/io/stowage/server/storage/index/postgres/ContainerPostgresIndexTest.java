package io.stowage.server.storage.index.postgres;

import io.stowage.server.storage.index.MessageIndex;
import io.stowage.server.storage.index.MessageIndexContractTest;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** The index against the official PostgreSQL image, on machines that run Docker. */
@Testcontainers(disabledWithoutDocker = true)
class ContainerPostgresIndexTest extends MessageIndexContractTest {
    @Container
    static final PostgreSQLContainer POSTGRES = new PostgreSQLContainer("postgres:17-alpine");

    @Override
    protected MessageIndex open(String schema) {
        return new PostgresIndex(Database.connect(POSTGRES.getJdbcUrl(), POSTGRES.getUsername(),
                POSTGRES.getPassword(), schema, 4));
    }
}
