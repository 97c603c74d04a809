package io.stowage.s3;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.metrics.MetricPublisher;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Builds the S3 client every part of Stowage uses, from {@link S3Settings}. The SDK's defaults (an
 * {@code aws-chunked} body with a trailing checksum) are turned off unless that mode is chosen:
 * servers that do not decode {@code aws-chunked} store the framing as object bytes.
 */
public final class S3Clients {
    /**
     * The SDK's standard retries, plus I/O failures however an HTTP client reports them (some wrap
     * them in {@link UncheckedIOException}, which the standard strategy does not retry), plus a
     * body the store received damaged (BadDigest: the bytes changed on the way). Every call made
     * through these clients is safe to repeat.
     */
    private static final RetryStrategy RETRIES = AwsRetryStrategy.standardRetryStrategy().toBuilder()
            .retryOnExceptionOrCauseInstanceOf(UncheckedIOException.class)
            .retryOnExceptionOrCauseInstanceOf(IOException.class)
            .retryOnException(S3Clients::isBadDigest)
            .maxAttempts(4)
            .build();

    private S3Clients() {}

    /** A client for {@code settings}, signing with {@code credentials}, publishing the SDK's metrics to {@code publishers}. */
    public static S3Client create(S3Settings settings, AwsCredentialsProvider credentials,
            List<MetricPublisher> publishers) {
        boolean trailer = settings.checksum() == S3Checksum.TRAILER;
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .forcePathStyle(settings.pathStyle())
                // plain bodies with the checksum in a header (put), unless the SDK's trailer mode is chosen
                .requestChecksumCalculation(trailer ? RequestChecksumCalculation.WHEN_SUPPORTED
                        : RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(trailer ? ResponseChecksumValidation.WHEN_SUPPORTED
                        : ResponseChecksumValidation.WHEN_REQUIRED)
                .serviceConfiguration(S3Configuration.builder().chunkedEncodingEnabled(trailer).build())
                // pooled connections for parallel segment writes and ranged reads
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(64))
                .overrideConfiguration(o -> o.metricPublishers(publishers).retryStrategy(RETRIES));
        settings.endpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /** The store refused a body whose checksum did not match: it was damaged on the way. */
    static boolean isBadDigest(Throwable e) {
        return e instanceof S3Exception s3e && s3e.statusCode() == 400 && s3e.awsErrorDetails() != null
                && ("BadDigest".equals(s3e.awsErrorDetails().errorCode())
                        || "XAmzContentSHA256Mismatch".equals(s3e.awsErrorDetails().errorCode()));
    }
}
