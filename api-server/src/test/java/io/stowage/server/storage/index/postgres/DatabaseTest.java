package io.stowage.server.storage.index.postgres;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.server.storage.error.StorageUnavailableException;
import io.stowage.server.testing.TestBackends;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** How the pool reports trouble with the database. */
class DatabaseTest {

    @Test
    void aConnectionLostInATransactionIsReportedAsTheDatabaseUnavailable() {
        try (Database db = TestBackends.database(TestBackends.uniqueName("connection-lost"))) {
            assertThatThrownBy(() -> db.inTransaction("lose the connection", c -> {
                int pid;
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                    rs.next();
                    pid = rs.getInt(1);
                }
                db.withConnection("end the other backend", other -> {
                    try (Statement st = other.createStatement()) {
                        st.execute("SELECT pg_terminate_backend(" + pid + ")");
                    }
                    return null;
                });
                try (Statement st = c.createStatement()) {
                    st.execute("SELECT 1");
                }
                return null;
            })).isInstanceOf(StorageUnavailableException.class).hasMessageContaining("unavailable");
        }
    }
}
