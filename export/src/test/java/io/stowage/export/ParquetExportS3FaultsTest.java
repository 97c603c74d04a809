package io.stowage.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.embedded.LocalS3;
import io.stowage.server.testing.TestBackends;
import io.stowage.server.testing.s3.FaultProxy;
import io.stowage.server.testing.s3.FaultProxy.Fault;
import io.stowage.server.testing.s3.S3Endpoint;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The export to S3 with a hostile store in between (a {@link FaultProxy} in front of S3Proxy): a
 * store that fails or does not prove a write fails the export with a message that says so, and a
 * run again, once the store is well, completes with the files a local export writes.
 */
class ParquetExportS3FaultsTest {
    private static final String STORE = "S3 could not write s3://";

    @TempDir
    Path temp;

    private Archive archive;
    private FaultProxy proxy;
    private S3Endpoint direct;
    private S3Endpoint viaProxy;
    private String bucket;
    private S3Exports s3;

    @BeforeEach
    void start(TestInfo test) {
        archive = new Archive(test.getDisplayName(), temp).withRecords();
        direct = new S3Endpoint("S3Proxy", TestBackends.s3().endpoint(), LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY);
        bucket = TestBackends.uniqueName(test.getDisplayName());
        direct.createBucket(bucket);
        proxy = FaultProxy.start(direct.uri());
        viaProxy = direct.via("S3Proxy behind a fault proxy", proxy.uri());
        s3 = new S3Exports(archive, temp, bucket);
    }

    @AfterEach
    void stop() {
        proxy.close();
        archive.close();
    }

    @Test
    void aStoreAnswering500FailsTheExportAndARunAgainCompletes() throws Exception {
        proxy.injectAlways(Fault.ANSWER_500);
        Archive.Run failed = s3.export(viaProxy, "--stream", "alerts");
        assertThat(failed.exit()).isNotZero();
        assertThat(failed.err()).contains(STORE + bucket + "/" + S3Exports.PREFIX + "/stream=alerts/")
                .contains("HTTP 500");

        proxy.heal();
        Archive.Run again = s3.export(viaProxy, "--stream", "alerts");
        assertThat(again.exit()).as(again.err()).isZero();
        assertThat(again.out()).contains("5 files uploaded, 0 already there");
        assertSameAsALocalExport();
    }

    @Test
    void aStoreAnsweringAnotherETagFailsTheExportAndARunAgainSkipsWhatItHolds() throws Exception {
        proxy.injectAlways(Fault.OTHER_ETAG);
        Archive.Run failed = s3.export(viaProxy, "--stream", "alerts");
        assertThat(failed.exit()).isNotZero();
        assertThat(failed.err())
                .contains("answered 0123456789abcdef0123456789abcdef-1 for s3://" + bucket + "/" + S3Exports.PREFIX)
                .contains("the write is not acknowledged")
                .contains("STOWAGE_EXPORT_S3_CHECKSUM=md5 does not work with this store");

        proxy.heal();
        Archive.Run again = s3.export(viaProxy, "--stream", "alerts");
        assertThat(again.exit()).as(again.err()).isZero();
        // the store kept the right bytes of the first file (only its answer was changed): its ETag proves it now
        assertThat(again.out()).contains("4 files uploaded, 1 already there");
        assertSameAsALocalExport();
    }

    @Test
    void aFailureThatPassesIsRetried() throws Exception {
        proxy.inject(Fault.ANSWER_503, 2);
        Archive.Run run = s3.export(viaProxy, "--stream", "alerts");
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(proxy.injected()).isEqualTo(2);
        assertSameAsALocalExport();
    }

    private void assertSameAsALocalExport() throws Exception {
        assertThat(S3Exports.digests(s3.download(direct))).isEqualTo(s3.local("--stream", "alerts")).hasSize(5);
    }
}
