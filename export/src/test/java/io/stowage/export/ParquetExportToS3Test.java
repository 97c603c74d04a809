package io.stowage.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.api.v1.DeleteBatchRequest;
import io.stowage.server.testing.TestBackends;
import io.stowage.server.testing.s3.S3Endpoint;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stowage export --to s3://bucket/prefix} against a real S3-compatible server, one subclass
 * per server: the objects, downloaded, are the files a local export of the same range writes, byte
 * for byte, and DuckDB reads them; a run again uploads nothing new and follows the archive's
 * deletes; a missing bucket or no server fail with a message that says so.
 */
abstract class ParquetExportToS3Test {
    @TempDir
    Path temp;

    Archive archive;
    String bucket;
    S3Exports s3;

    /** The S3 server to export to. */
    abstract S3Endpoint endpoint();

    @BeforeEach
    void start(TestInfo test) {
        archive = new Archive(test.getDisplayName(), temp).withRecords();
        bucket = TestBackends.uniqueName(test.getDisplayName());
        endpoint().createBucket(bucket);
        s3 = new S3Exports(archive, temp, bucket);
    }

    @AfterEach
    void stop() {
        archive.close();
    }

    @Test
    void theBucketHoldsTheFilesOfALocalExportByteForByte() throws Exception {
        Archive.Run run = s3.export(endpoint(), "--stream", "alerts");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("32 messages").contains("s3://" + bucket + "/" + S3Exports.PREFIX + "/")
                .contains("5 files uploaded, 0 already there");

        Path downloaded = s3.download(endpoint());
        assertThat(S3Exports.digests(downloaded)).isEqualTo(s3.local("--stream", "alerts")).hasSize(5);
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement st = duck.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*), count(*) FILTER (WHERE key IS NULL),"
                        + " count(*) FILTER (WHERE CASE WHEN json_valid(data_text)"
                        + " THEN json_extract(data_text, '$.mag')::INT END = 9), count(DISTINCT hr)"
                        + " FROM read_parquet('" + downloaded + "/**/*.parquet', hive_partitioning = true)")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isEqualTo(32);
            assertThat(rs.getLong(2)).as("10 records without a key, 2 CloudEvents").isEqualTo(12);
            assertThat(rs.getLong(3)).isEqualTo(3);
            assertThat(rs.getLong(4)).isEqualTo(4);
        }
        try (Stream<Path> left = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("stowage-export-"));
        }
    }

    @Test
    void aRunAgainUploadsNothingNewAndFollowsDeletes() throws Exception {
        assertThat(s3.export(endpoint(), "--stream", "alerts").exit()).isZero();
        Archive.Run again = s3.export(endpoint(), "--stream", "alerts");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("0 files uploaded, 5 already there");

        // the only message of hour 13 goes, and one of hour 10
        archive.server.messages().deleteBatch(DeleteBatchRequest.newBuilder().addIds("rec-3").addIds("note-2").build());
        Archive.Run after = s3.export(endpoint(), "--stream", "alerts");
        assertThat(after.exit()).as(after.err()).isZero();
        assertThat(after.out()).contains("30 messages").contains("1 emptied hours removed");

        assertThat(S3Exports.digests(s3.download(endpoint()))).isEqualTo(s3.local("--stream", "alerts")).hasSize(4)
                .allSatisfy((name, digest) -> assertThat(name).doesNotContain("hr=13"));
    }

    @Test
    void aMissingBucketIsNamedWithWhatToDo() {
        Archive.Run run = archive.exportPrinting(S3Exports.opener(endpoint()), "--stream", "alerts",
                "--to", "s3://no-such-bucket-" + bucket + "/x", "--export-s3-endpoint", endpoint().uri().toString(),
                "--export-s3-path-style", "true");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("bucket 'no-such-bucket-" + bucket + "' does not exist at " + endpoint().uri())
                .contains("create it, or name another bucket in --to s3://");
    }

    @Test
    void noServerAtTheEndpointIsSaid() throws IOException {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Archive.Run run = archive.exportPrinting(S3Exports.opener(endpoint()), "--stream", "alerts",
                "--to", "s3://" + bucket, "--export-s3-endpoint", "http://127.0.0.1:" + closed,
                "--export-s3-path-style", "true");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err()).contains("cannot reach S3 at http://127.0.0.1:" + closed);
    }

    @Test
    void aBadS3TargetIsAConfigurationError() {
        // the stowage command answers it with exit code 2 (cli ExportImportCommandsTest)
        Archive.Run run = archive.exportPrinting(S3Exports.opener(endpoint()), "--stream", "alerts", "--to", "s3://");
        assertThat(run.exit()).isNotZero();
        assertThat(run.err()).contains("ConfigException: --to s3://: an S3 target is s3://bucket or s3://bucket/prefix");
    }
}
