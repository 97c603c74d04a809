package io.stowage.export;

import io.stowage.common.config.ConfigException;
import io.stowage.common.config.Setting;
import io.stowage.common.config.SettingsSource;
import io.stowage.common.config.Values;
import io.stowage.s3.S3Checksum;
import io.stowage.s3.S3SettingNames;
import io.stowage.s3.S3Settings;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An export to {@code s3://bucket/prefix}: the bucket and prefix from the URI, the rest from the
 * {@code STOWAGE_EXPORT_S3_*} settings, which mean what the server's {@code STOWAGE_S3_*} ones do
 * (the export's bucket is the user's, not the archive's, so they are set apart). Credentials come
 * from the AWS default chain, as for the server.
 */
final class S3ExportTarget {
    static final Setting<URI> ENDPOINT = Setting.of("STOWAGE_EXPORT_S3_ENDPOINT", null,
            "Endpoint of the S3-compatible server of --to s3://..., e.g. http://minio:9000. Unset: AWS S3.",
            S3ExportTarget::uri);
    static final Setting<String> REGION = Setting.of("STOWAGE_EXPORT_S3_REGION", "us-east-1",
            "Region of the export's bucket. Credentials come from the AWS default chain (AWS_ACCESS_KEY_ID and"
                    + " AWS_SECRET_ACCESS_KEY, a profile, web identity or an instance role).", Values::string);
    static final Setting<Boolean> PATH_STYLE = Setting.of("STOWAGE_EXPORT_S3_PATH_STYLE", "false",
            "Path-style bucket addressing for the export's bucket; most S3-compatible servers need true.", Values::bool);
    static final Setting<S3Checksum> CHECKSUM = Setting.of("STOWAGE_EXPORT_S3_CHECKSUM", "md5",
            "How each uploaded Parquet file proves the store kept the bytes sent, as STOWAGE_S3_CHECKSUM: md5,"
                    + " crc32c, sha256 or trailer. With md5 a file the bucket already holds (same ETag) is not"
                    + " uploaded again.", S3ExportTarget::checksum);

    static final List<Setting<?>> SETTINGS = Setting.declaredIn(S3ExportTarget.class);

    /** The server's {@code auto} is not offered: a file the bucket holds is only recognised by an MD5 ETag. */
    private static S3Checksum checksum(String text) {
        S3Checksum c = S3Checksum.parse(text);
        if (c == S3Checksum.AUTO) {
            throw new IllegalArgumentException("expected one of md5, crc32c, sha256, trailer");
        }
        return c;
    }

    static final S3SettingNames NAMES = new S3SettingNames("create it, or name another bucket in --to s3://",
            REGION.env(), CHECKSUM.env());

    private static final Pattern S3_URI = Pattern.compile("s3://([^/]+)/?(.*)");

    private S3ExportTarget() {}

    static boolean isS3(String target) {
        return target.startsWith("s3://");
    }

    /** The settings of {@code s3://bucket[/prefix]} with the other values from {@code src}. */
    static S3Settings parse(String target, SettingsSource src) {
        Matcher m = S3_URI.matcher(target);
        if (!m.matches() || m.group(1).isBlank()) {
            throw new ConfigException("--to " + target + ": an S3 target is s3://bucket or s3://bucket/prefix");
        }
        String prefix = m.group(2);
        if (prefix.contains("//") || prefix.contains("\\") || List.of(prefix.split("/")).contains("..")) {
            throw new ConfigException("--to " + target + ": the prefix must be folder names separated by single /");
        }
        Optional<URI> endpoint = src.find(ENDPOINT);
        return new S3Settings(m.group(1), prefix, src.get(REGION), endpoint, src.get(PATH_STYLE), src.get(CHECKSUM));
    }

    private static URI uri(String text) {
        URI uri = URI.create(text);
        if (uri.getScheme() == null || uri.getHost() == null) {
            throw new IllegalArgumentException("expected a URL such as http://minio:9000");
        }
        return uri;
    }
}
