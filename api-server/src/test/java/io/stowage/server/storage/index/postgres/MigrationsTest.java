package io.stowage.server.storage.index.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.embedded.LocalPostgres;
import io.stowage.server.testing.TestBackends;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The migrations are numbered in order, and a schema made by another build is refused at start. */
class MigrationsTest {

    @Test
    void eachScriptIsNumberedByItsPlace() {
        IntStream.range(0, Migrations.SCRIPTS.size()).forEach(i ->
                assertThat(Migrations.SCRIPTS.get(i)).startsWith("V" + (i + 1) + "__").endsWith(".sql"));
    }

    @Test
    void aSchemaWhoseRecordedMigrationsAreNotThisBuildsIsRefusedAtStart() throws Exception {
        String schema = TestBackends.uniqueName("otherBuild");
        LocalPostgres pg = TestBackends.postgres();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password())) {
            Migrations.apply(c, schema, 5);
            try (Statement st = c.createStatement()) {
                st.execute("UPDATE " + Migrations.quoteIdentifier(schema) + ".schema_version"
                        + " SET script = 'V5__something_else.sql' WHERE version = 5");
            }

            assertThatThrownBy(() -> Migrations.apply(c, schema)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("another build of Stowage")
                    .hasMessageContaining("V5__something_else.sql")
                    .hasMessageContaining(Migrations.SCRIPTS.get(4));
            // nothing was applied on top of it
            try (Statement st = c.createStatement();
                    var rs = st.executeQuery("SELECT max(version) FROM " + Migrations.quoteIdentifier(schema)
                            + ".schema_version")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(5);
            }
        }
    }

    @Test
    void aSchemaOfThisBuildOpensAgain() throws Exception {
        String schema = TestBackends.uniqueName("sameBuild");
        LocalPostgres pg = TestBackends.postgres();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password())) {
            Migrations.apply(c, schema, 3);
            Migrations.apply(c, schema);
            Migrations.apply(c, schema);
            try (Statement st = c.createStatement();
                    var rs = st.executeQuery("SELECT count(*), max(version) FROM " + Migrations.quoteIdentifier(schema)
                            + ".schema_version")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(Migrations.SCRIPTS.size());
                assertThat(rs.getInt(2)).isEqualTo(Migrations.SCRIPTS.size());
            }
        }
    }
}
