package io.stowage.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalServersTest {

    @Test
    void postgresKeepsDataAcrossARestart(@TempDir Path dir) throws Exception {
        try (LocalPostgres pg = LocalPostgres.start(dir.resolve("pg"));
                Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE kept (v text)");
            st.execute("INSERT INTO kept VALUES ('still here')");
        }
        try (LocalPostgres pg = LocalPostgres.start(dir.resolve("pg"));
                Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT v FROM kept")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("still here");
        }
    }

    @Test
    void s3ServerAnswersOnLoopback(@TempDir Path dir) throws Exception {
        try (LocalS3 s3 = LocalS3.startInDirectory(dir)) {
            s3.createBucket("probe");
            assertThat(Files.isDirectory(dir.resolve("probe"))).isTrue();
            HttpResponse<String> rsp = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(s3.endpoint() + "/probe")).build(),
                    HttpResponse.BodyHandlers.ofString());
            // unsigned requests are refused: the server checks signatures like S3 does
            assertThat(rsp.statusCode()).isEqualTo(403);
        }
    }
}
