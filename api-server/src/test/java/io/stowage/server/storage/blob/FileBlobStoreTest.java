package io.stowage.server.storage.blob;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBlobStoreTest extends BlobStoreContractTest {
    @TempDir
    Path dir;

    @Override
    protected BlobStore createStore(String testName) {
        return new FileBlobStore(dir.resolve(testName));
    }

    @Test
    void leftoverTemporaryFilesAreNotListed() throws Exception {
        store.put("a/x.bson", new byte[] {1});
        Path root = Path.of(store.location());
        Files.write(root.resolve("a/.tmp-crashed-y.bson"), new byte[] {2});
        List<BlobLister.BlobInfo> all = new ArrayList<>();
        store.list("", all::add);
        assertThat(all).extracting(BlobLister.BlobInfo::key).containsExactly("a/x.bson");
    }
}
