package io.stowage.server.storage.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.server.storage.error.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** What every {@link BlobStore} does; one subclass per adapter. */
abstract class BlobStoreContractTest {
    protected BlobStore store;

    protected abstract BlobStore createStore(String testName) throws Exception;

    @BeforeEach
    void setUp(TestInfo info) throws Exception {
        store = createStore(info.getTestMethod().orElseThrow().getName());
        store.checkAccess();
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    @Test
    void putThenReadReturnsTheSameBytes() {
        byte[] content = randomBytes(100_000);
        store.put("stream=a/type=b/dt=2024-01-01/hr=00/x.bson", content);
        assertThat(store.read("stream=a/type=b/dt=2024-01-01/hr=00/x.bson")).isEqualTo(content);
    }

    @Test
    void readRangeReturnsExactlyThatRange() {
        byte[] content = randomBytes(10_000);
        store.put("r/x.bson", content);
        assertThat(store.readRange("r/x.bson", 1234, 567)).isEqualTo(java.util.Arrays.copyOfRange(content, 1234, 1801));
        assertThat(store.readRange("r/x.bson", 0, 1)).containsExactly(content[0]);
        assertThat(store.readRange("r/x.bson", 9999, 1)).containsExactly(content[9999]);
    }

    @Test
    void putReplacesAnExistingObject() {
        store.put("k/x.bson", "old".getBytes(StandardCharsets.UTF_8));
        store.put("k/x.bson", "new!".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(store.read("k/x.bson"), StandardCharsets.UTF_8)).isEqualTo("new!");
    }

    @Test
    void emptyObjectIsStored() {
        store.put("e/x.bson", new byte[0]);
        assertThat(store.read("e/x.bson")).isEmpty();
    }

    @Test
    void missingObjectIsNotFound() {
        assertThatThrownBy(() -> store.read("nope/x.bson")).isInstanceOf(BlobNotFoundException.class);
        assertThatThrownBy(() -> store.readRange("nope/x.bson", 0, 10)).isInstanceOf(BlobNotFoundException.class);
    }

    @Test
    void deleteRemovesAndIsIdempotent() {
        store.put("d/x.bson", randomBytes(10));
        store.delete("d/x.bson");
        store.delete("d/x.bson");
        store.delete("never/was.bson");
        assertThatThrownBy(() -> store.read("d/x.bson")).isInstanceOf(BlobNotFoundException.class);
    }

    @Test
    void aMeasuredDeleteGivesTheBytesItFreed() {
        store.put("m/x.bson", randomBytes(12_345));
        assertThat(store.deleteMeasured("m/x.bson")).isEqualTo(12_345);
        assertThatThrownBy(() -> store.read("m/x.bson")).isInstanceOf(BlobNotFoundException.class);
        assertThat(store.deleteMeasured("m/x.bson")).as("gone already").isZero();
        assertThat(store.deleteMeasured("never/was.bson")).isZero();
    }

    @Test
    void listShowsEveryObjectWithItsSize() {
        store.put("stream=a/1.bson", randomBytes(3));
        store.put("stream=a/2.bson", randomBytes(5));
        store.put("stream=b/3.bson", randomBytes(7));
        List<BlobLister.BlobInfo> all = new ArrayList<>();
        store.list("", all::add);
        assertThat(all).containsExactlyInAnyOrder(new BlobLister.BlobInfo("stream=a/1.bson", 3),
                new BlobLister.BlobInfo("stream=a/2.bson", 5), new BlobLister.BlobInfo("stream=b/3.bson", 7));
        List<BlobLister.BlobInfo> someA = new ArrayList<>();
        store.list("stream=a/", someA::add);
        assertThat(someA).hasSize(2);
    }

    @Test
    void keysThatCouldEscapeAreRefused() {
        for (String bad : List.of("../x.bson", "a/../../x.bson", "/abs.bson", "a//b.bson", "a/./b.bson", "")) {
            assertThatThrownBy(() -> store.put(bad, new byte[1])).as(bad).isInstanceOf(InvalidRequestException.class);
        }
    }

    protected static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }
}
