package io.stowage.bench;

import io.stowage.embedded.LocalS3;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** An S3 client for the benchmarks' direct requests: the same SDK and HTTP client as the server's. */
final class RawS3 {
    private RawS3() {}

    static S3Client client(Backends backends) {
        return S3Client.builder()
                .endpointOverride(URI.create(backends.s3Endpoint()))
                .region(Region.of(LocalS3.REGION))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY)))
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(64))
                .build();
    }
}
