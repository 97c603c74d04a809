package io.stowage.server.storage.blob;

import static org.assertj.core.api.Assertions.assertThat;

import io.stowage.s3.S3Checksum;
import io.stowage.server.testing.TestBackends;
import io.stowage.server.testing.s3.S3Endpoint;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

/**
 * The contract against MinIO's official image, on machines that run Docker; MinIO echoes
 * x-amz-checksum-* headers, so every proof of writes is tried on it.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainerMinioBlobStoreTest extends BlobStoreContractTest {
    private static final String KEY = "stowage-minio";
    private static final String SECRET = "stowage-minio-secret";

    @Container
    static final GenericContainer<?> MINIO = new GenericContainer<>("minio/minio:RELEASE.2025-04-22T22-12-26Z")
            .withCommand("server", "/data")
            .withEnv("MINIO_ROOT_USER", KEY)
            .withEnv("MINIO_ROOT_PASSWORD", SECRET)
            .withExposedPorts(9000)
            .waitingFor(Wait.forHttp("/minio/health/live").forPort(9000));

    private static S3Endpoint minio() {
        return new S3Endpoint("MinIO", URI.create("http://" + MINIO.getHost() + ":" + MINIO.getMappedPort(9000)),
                KEY, SECRET);
    }

    @Override
    protected BlobStore createStore(String testName) {
        return minio().store(TestBackends.uniqueName(testName), "archive");
    }

    @Test
    void everyProofOfWritesWorks() {
        for (S3Checksum mode : S3Checksum.values()) {
            try (S3BlobStore proven = minio().store(TestBackends.uniqueName(mode.value()), "p", mode)) {
                byte[] content = randomBytes(300_000);
                proven.put("a/x.bson", content);
                assertThat(proven.read("a/x.bson")).as(mode.value()).isEqualTo(content);
                BlobStoreProbe.check(proven);
            }
        }
    }
}
