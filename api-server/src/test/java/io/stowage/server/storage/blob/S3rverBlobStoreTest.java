package io.stowage.server.storage.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.s3.S3Checksum;
import io.stowage.server.storage.error.StorageException;
import io.stowage.server.storage.error.UnverifiedWriteException;
import io.stowage.server.testing.TestBackends;
import io.stowage.server.testing.s3.S3Endpoint;
import io.stowage.server.testing.s3.S3rverProcess;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The contract against s3rver, which stores what it receives: an aws-chunked upload would keep
 * its framing as object bytes. Skipped without node and npm.
 */
class S3rverBlobStoreTest extends BlobStoreContractTest {

    @Override
    protected BlobStore createStore(String testName) {
        return S3rverProcess.endpoint().store(TestBackends.uniqueName(testName), "archive");
    }

    @Test
    void theStartProbePasses() {
        BlobStoreProbe.check(store);
        List<BlobLister.BlobInfo> left = new ArrayList<>();
        store.list("", left::add);
        assertThat(left).isEmpty();
    }

    @Test
    void checksumHeadersTheStoreDoesNotEchoAreNoProof() {
        S3Endpoint s3rver = S3rverProcess.endpoint();
        for (S3Checksum mode : List.of(S3Checksum.CRC32C, S3Checksum.SHA256)) {
            try (S3BlobStore unproven = s3rver.store(TestBackends.uniqueName("unproven"), "p", mode)) {
                assertThatThrownBy(() -> unproven.put("a/x.bson", randomBytes(1000))).as(mode.value())
                        .isInstanceOf(UnverifiedWriteException.class)
                        .hasMessageContaining(s3rver.uri().toString())
                        .hasMessageContaining("without an x-amz-checksum-" + mode.value())
                        .hasMessageContaining("STOWAGE_S3_CHECKSUM=md5");
            }
        }
    }

    /** auto on a store that knows no x-amz-checksum-*: the first write is made again with MD5, and so are all later ones. */
    @Test
    void autoFallsBackToMd5WhereTheStoreEchoesNoChecksum() {
        try (S3BlobStore auto = S3rverProcess.endpoint().store(TestBackends.uniqueName("auto"), "p",
                S3Checksum.AUTO)) {
            byte[] first = randomBytes(200_000);
            byte[] second = randomBytes(1_000);
            auto.put("a/x.bson", first);
            assertThat(auto.proofInUse()).isEqualTo(S3Checksum.MD5);
            auto.put("a/y.bson", second);
            assertThat(auto.read("a/x.bson")).isEqualTo(first);
            assertThat(auto.read("a/y.bson")).isEqualTo(second);
            BlobStoreProbe.check(auto);
        }
    }

    /** The SDK's default upload: s3rver keeps the aws-chunked framing, and the server must not start on it. */
    @Test
    void theSdkTrailerModeIsRefusedAtStart() {
        try (S3BlobStore trailer = S3rverProcess.endpoint().store(TestBackends.uniqueName("trailer"), "p",
                S3Checksum.TRAILER)) {
            byte[] content = randomBytes(200_000);
            assertThatThrownBy(() -> trailer.put("a/x.bson", content)).isInstanceOf(UnverifiedWriteException.class);
            // what would have been acknowledged without the check: the upload's framing, stored as data
            assertThat(new String(trailer.read("a/x.bson"), 0, 22, StandardCharsets.ISO_8859_1))
                    .isEqualTo("20000;chunk-signature=");
            assertThatThrownBy(() -> BlobStoreProbe.check(trailer)).isInstanceOf(StorageException.class)
                    .hasMessageContaining("start probe").hasMessageContaining("STOWAGE_S3_CHECKSUM=md5");
        }
    }
}
