package io.stowage.server.storage.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.embedded.LocalS3;
import io.stowage.server.storage.error.StorageException;
import io.stowage.server.testing.TestBackends;
import io.stowage.server.testing.s3.FaultProxy;
import io.stowage.server.testing.s3.FaultProxy.Fault;
import io.stowage.server.testing.s3.S3Endpoint;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The start probe: a store that gives back what it was given passes and keeps nothing of it; another is refused. */
class BlobStoreProbeTest {
    private static final S3Endpoint S3PROXY = new S3Endpoint("S3Proxy", TestBackends.s3().endpoint(),
            LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY);

    @TempDir
    Path dir;

    @Test
    void faithfulStoresPassAndKeepNothing() {
        try (BlobStore files = new FileBlobStore(dir.resolve("files"));
                BlobStore s3 = S3PROXY.store(TestBackends.uniqueName("faithful"), "p")) {
            for (BlobStore store : List.of(files, s3)) {
                BlobStoreProbe.check(store);
                List<BlobLister.BlobInfo> left = new ArrayList<>();
                store.list("", left::add);
                assertThat(left).as(store.location()).isEmpty();
            }
        }
    }

    @Test
    void aStoreThatGivesBackOtherBytesIsRefused() {
        String bucket = TestBackends.uniqueName("other-bytes");
        try (FaultProxy proxy = FaultProxy.start(S3PROXY.uri());
                BlobStore store = S3PROXY.via("S3Proxy behind a fault proxy", proxy.uri()).store(bucket, "p")) {
            proxy.injectAlways(Fault.FLIP_GET_BODY);

            assertThatThrownBy(() -> BlobStoreProbe.check(store)).isInstanceOf(StorageException.class)
                    .hasMessageContaining("s3://" + bucket + "/p gave back other bytes than it was given")
                    .hasMessageContaining("does not start")
                    .hasMessageContaining("first difference at byte " + BlobStoreProbe.SIZE / 2)
                    .hasMessageContaining("STOWAGE_S3_CHECKSUM=md5")
                    .hasMessageContaining("STOWAGE_S3_PATH_STYLE");
            proxy.heal();
            List<BlobLister.BlobInfo> left = new ArrayList<>();
            store.list("", left::add);
            assertThat(left).isEmpty();
        }
    }

    @Test
    void aStoreThatGivesBackAnotherRangeIsRefused() {
        try (FaultProxy proxy = FaultProxy.start(S3PROXY.uri());
                BlobStore store = S3PROXY.via("fault proxy", proxy.uri()).store(TestBackends.uniqueName("range"), "")) {
            // the whole read passes; the ranged one (the second GET) comes back damaged
            proxy.injectAfter(Fault.FLIP_GET_BODY, 1, 1);

            assertThatThrownBy(() -> BlobStoreProbe.check(store)).isInstanceOf(StorageException.class)
                    .hasMessageContaining("read as bytes " + BlobStoreProbe.RANGE_OFFSET + "-")
                    .hasMessageContaining("first difference at byte " + BlobStoreProbe.RANGE_LENGTH / 2);
            assertThat(proxy.injected()).isEqualTo(1);
        }
    }
}
