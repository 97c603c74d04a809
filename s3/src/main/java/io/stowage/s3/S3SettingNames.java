package io.stowage.s3;

/**
 * How the user tells a program which bucket, region and checksum to use, named in error messages
 * so that each says which setting to change: the server has {@code STOWAGE_S3_*}, the export
 * tool its {@code --to s3://} target and {@code STOWAGE_EXPORT_S3_*}.
 *
 * @param bucket what to do about a missing bucket, e.g. "create it or set STOWAGE_S3_BUCKET"
 * @param region the region setting
 * @param checksum the checksum setting
 */
public record S3SettingNames(String bucket, String region, String checksum) {
    /** The api-server's settings. */
    public static final S3SettingNames SERVER = new S3SettingNames("create it or set STOWAGE_S3_BUCKET",
            "STOWAGE_S3_REGION", "STOWAGE_S3_CHECKSUM");
}
