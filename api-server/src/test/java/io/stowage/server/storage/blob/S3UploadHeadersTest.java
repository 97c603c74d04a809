package io.stowage.server.storage.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stowage.embedded.LocalS3;
import io.stowage.s3.S3Checksum;
import io.stowage.server.storage.error.StorageUnavailableException;
import io.stowage.server.testing.TestBackends;
import io.stowage.server.testing.s3.FaultProxy;
import io.stowage.server.testing.s3.S3Endpoint;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the SDK really sends for a segment PUT, captured by a proxy in front of S3Proxy: a plain
 * body with the checksum in a header, never the aws-chunked framing that some servers store.
 */
class S3UploadHeadersTest {
    private static final S3Endpoint S3PROXY = new S3Endpoint("S3Proxy", TestBackends.s3().endpoint(),
            LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY);

    @Test
    void md5ModeSendsAPlainBodyWithContentMd5() {
        FaultProxy.Request put = capturePut(S3Checksum.MD5);
        assertPlain(put);
        assertThat(put.header("content-md5")).isNotBlank();
        assertThat(put.headers()).noneMatch(h -> h.toLowerCase().startsWith("x-amz-checksum-"));
    }

    @Test
    void crc32cAndSha256ModesSendTheirChecksumAsAHeader() {
        assertThat(capturePut(S3Checksum.CRC32C)).satisfies(put -> {
            assertPlain(put);
            assertThat(put.header("x-amz-checksum-crc32c")).isNotBlank();
        });
        assertThat(capturePut(S3Checksum.SHA256)).satisfies(put -> {
            assertPlain(put);
            assertThat(put.header("x-amz-checksum-sha256")).isNotBlank();
        });
    }

    /** The SDK's default, kept for stores that decode it: aws-chunked, the checksum in a trailer. */
    @Test
    void trailerModeIsTheSdksAwsChunkedUpload() {
        FaultProxy.Request put = capturePut(S3Checksum.TRAILER);
        assertThat(put.header("content-encoding")).contains("aws-chunked");
        assertThat(put.header("x-amz-trailer")).isEqualTo("x-amz-checksum-crc32");
        assertThat(put.bodyStart()).startsWith("20000;chunk-signature=");
    }

    /**
     * auto tries CRC32C first; a store that refuses the header (400 naming it, or 501) instead of
     * ignoring it gets the write again with Content-MD5, and so does every later write.
     */
    @ParameterizedTest
    @EnumSource(value = FaultProxy.Fault.class, names = {"REFUSE_CHECKSUM_HEADER", "NOT_IMPLEMENTED_CHECKSUM_HEADER"})
    void autoFallsBackToMd5WhenTheStoreRefusesTheChecksumHeader(FaultProxy.Fault refusal) {
        try (FaultProxy proxy = FaultProxy.start(S3PROXY.uri());
                S3BlobStore store = S3PROXY.via("a proxy refusing x-amz-checksum-*", proxy.uri())
                        .store(TestBackends.uniqueName("refuses-checksums"), "p", S3Checksum.AUTO)) {
            proxy.injectAlways(refusal);
            byte[] first = content();
            byte[] second = Arrays.copyOf(first, 1_000);
            store.put("a/x.bson", first);
            store.put("a/y.bson", second);

            assertThat(store.proofInUse()).isEqualTo(S3Checksum.MD5);
            assertThat(proxy.injected()).as("refused writes").isEqualTo(1);
            assertThat(store.read("a/x.bson")).isEqualTo(first);
            assertThat(store.read("a/y.bson")).isEqualTo(second);
            List<FaultProxy.Request> puts = proxy.requests().stream().filter(r -> r.method().equals("PUT")
                    && r.path().contains("/a/")).toList();
            assertThat(puts).hasSize(3);
            assertThat(puts.get(0).header("x-amz-checksum-crc32c")).isNotBlank();
            assertThat(puts.subList(1, 3)).allSatisfy(put -> {
                assertThat(put.header("content-md5")).isNotBlank();
                assertThat(put.headers()).noneMatch(h -> h.toLowerCase().startsWith("x-amz-checksum-"));
            });
        }
    }

    /** Another refusal of the trial write is the store's answer: the write fails, auto stays undecided. */
    @Test
    void autoDoesNotTakeAnyRefusalForARefusedChecksumHeader() {
        try (FaultProxy proxy = FaultProxy.start(S3PROXY.uri());
                S3BlobStore store = S3PROXY.via("a proxy refusing writes", proxy.uri())
                        .store(TestBackends.uniqueName("refuses-writes"), "p", S3Checksum.AUTO)) {
            proxy.inject(FaultProxy.Fault.ANSWER_400, 1);

            assertThatThrownBy(() -> store.put("a/x.bson", content())).hasMessageContaining("HTTP 400");
            assertThat(store.proofInUse()).isEqualTo(S3Checksum.AUTO);
            assertThat(proxy.requests().stream().filter(r -> r.method().equals("PUT") && r.path().contains("/a/")))
                    .as("no second write with Content-MD5").hasSize(1);

            store.put("a/x.bson", content());
            assertThat(store.proofInUse()).isEqualTo(S3Checksum.CRC32C);
        }
    }

    private static void assertPlain(FaultProxy.Request put) {
        assertThat(put.header("content-encoding")).as("content-encoding").isNull();
        assertThat(put.header("x-amz-trailer")).as("x-amz-trailer").isNull();
        assertThat(put.header("x-amz-decoded-content-length")).isNull();
        assertThat(put.header("content-length")).isEqualTo(String.valueOf(SIZE));
        assertThat(put.header("x-amz-content-sha256")).matches("[0-9a-f]{64}");
        assertThat(put.bodyStart()).isEqualTo(new String(content(), 0, 48, StandardCharsets.ISO_8859_1));
    }

    private static final int SIZE = 200_000;

    private static byte[] content() {
        byte[] b = new byte[SIZE];
        new Random(7).nextBytes(b);
        return b;
    }

    /**
     * A clean's measured delete on a store that cannot say an object's size: the delete fails as
     * the store being unavailable and the object stays (its index row too, for the next clean).
     */
    @Test
    void aMeasuredDeleteOnAStoreThatAnswers500KeepsTheObject() {
        try (FaultProxy proxy = FaultProxy.start(S3PROXY.uri());
                S3BlobStore store = S3PROXY.via("a proxy answering 500 to HEAD", proxy.uri())
                        .store(TestBackends.uniqueName("measured-delete"), "p", S3Checksum.MD5)) {
            byte[] content = content();
            store.put("m/x.bson", content);
            proxy.injectAlways(FaultProxy.Fault.ANSWER_500_TO_HEAD);

            assertThatThrownBy(() -> store.deleteMeasured("m/x.bson"))
                    .isInstanceOf(StorageUnavailableException.class).hasMessageContaining("HTTP 500");
            assertThat(store.read("m/x.bson")).isEqualTo(content);

            proxy.heal();
            assertThat(store.deleteMeasured("m/x.bson")).isEqualTo(content.length);
        }
    }

    private static FaultProxy.Request capturePut(S3Checksum mode) {
        try (FaultProxy proxy = FaultProxy.start(S3PROXY.uri());
                S3BlobStore store = S3PROXY.via("capturing proxy", proxy.uri())
                        .store(TestBackends.uniqueName("headers-" + mode.value()), "p", mode)) {
            try {
                store.put("a/x.bson", content());
            } catch (RuntimeException e) {
                // a store that does not echo the checksum refuses the write; what was sent is what counts here
            }
            List<FaultProxy.Request> puts = proxy.requests().stream()
                    .filter(r -> r.method().equals("PUT") && r.path().contains("/a/x.bson")).toList();
            // for the record: the SDK's request, as the store sees it
            System.out.println("[" + mode.value() + "] " + puts.get(0));
            return puts.get(0);
        }
    }
}
