package io.stowage.server.storage.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.embedded.LocalS3;
import io.stowage.s3.S3Checksum;
import io.stowage.s3.S3Settings;
import io.stowage.server.storage.error.StorageException;
import io.stowage.server.storage.error.StorageUnavailableException;
import io.stowage.server.storage.error.UnverifiedWriteException;
import io.stowage.server.testing.TestBackends;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The contract against a real S3-compatible server, with a key prefix in use. */
class S3BlobStoreTest extends BlobStoreContractTest {

    @Override
    protected BlobStore createStore(String testName) {
        return TestBackends.s3Store(TestBackends.uniqueName(testName), "archive/v1");
    }

    @Test
    void objectsLiveUnderThePrefix() {
        store.put("stream=a/x.bson", new byte[] {1, 2});
        assertThat(store.location()).endsWith("/archive/v1");
        List<BlobLister.BlobInfo> all = new ArrayList<>();
        store.list("", all::add);
        assertThat(all).containsExactly(new BlobLister.BlobInfo("stream=a/x.bson", 2));
    }

    /** auto: S3Proxy checks and echoes CRC32C, so writes are proven by it, not by MD5. */
    @Test
    void autoProvesWritesByCrc32cWhereTheStoreEchoesIt() {
        try (S3BlobStore auto = TestBackends.s3Store(TestBackends.uniqueName("auto"), "p", S3Checksum.AUTO)) {
            assertThat(auto.proofInUse()).isEqualTo(S3Checksum.AUTO);
            byte[] first = randomBytes(200_000);
            byte[] second = randomBytes(1_000);
            auto.put("a/x.bson", first);
            assertThat(auto.proofInUse()).isEqualTo(S3Checksum.CRC32C);
            auto.put("a/y.bson", second);
            assertThat(auto.read("a/x.bson")).isEqualTo(first);
            assertThat(auto.read("a/y.bson")).isEqualTo(second);
        }
    }

    /** S3Proxy echoes x-amz-checksum-* headers; it decodes aws-chunked but does not echo the trailer's CRC32. */
    @Test
    void everyProofOfWritesHoldsOrRefusesTheWrite() {
        byte[] content = randomBytes(300_000);
        for (S3Checksum mode : List.of(S3Checksum.MD5, S3Checksum.CRC32C, S3Checksum.SHA256)) {
            try (S3BlobStore proven = TestBackends.s3Store(TestBackends.uniqueName(mode.value()), "p", mode)) {
                proven.put("a/x.bson", content);
                assertThat(proven.read("a/x.bson")).as(mode.value()).isEqualTo(content);
            }
        }
        try (S3BlobStore trailer = TestBackends.s3Store(TestBackends.uniqueName("trailer"), "p", S3Checksum.TRAILER)) {
            assertThatThrownBy(() -> trailer.put("a/x.bson", content)).isInstanceOf(UnverifiedWriteException.class)
                    .hasMessageContaining("without an x-amz-checksum-crc32 header")
                    .hasMessageContaining("STOWAGE_S3_CHECKSUM=md5");
        }
    }

    @Test
    void missingBucketIsExplained() {
        try (S3BlobStore missing = new S3BlobStore(TestBackends.s3Settings("no-such-bucket", ""),
                StaticCredentialsProvider.create(AwsBasicCredentials.create(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY)))) {
            assertThatThrownBy(missing::checkAccess).isInstanceOf(StorageException.class)
                    .hasMessageContaining("no-such-bucket").hasMessageContaining("STOWAGE_S3_BUCKET");
        }
    }

    @Test
    void wrongCredentialsAreExplained() {
        try (S3BlobStore wrong = new S3BlobStore(TestBackends.s3Settings(TestBackends.uniqueName("creds"), ""),
                StaticCredentialsProvider.create(AwsBasicCredentials.create("nobody", "wrong")))) {
            assertThatThrownBy(wrong::checkAccess).isInstanceOf(StorageException.class)
                    .hasMessageContaining("credentials");
        }
    }

    @Test
    void unreachableServerIsUnavailable() {
        S3Settings nowhere = new S3Settings("b", "", "us-east-1", Optional.of(URI.create("http://127.0.0.1:1")), true);
        try (S3BlobStore down = new S3BlobStore(nowhere,
                StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))) {
            assertThatThrownBy(() -> down.put("x/y.bson", new byte[1])).isInstanceOf(StorageUnavailableException.class)
                    .hasMessageContaining("127.0.0.1:1");
        }
    }
}
