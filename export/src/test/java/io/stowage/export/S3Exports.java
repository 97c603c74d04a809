package io.stowage.export;

import io.stowage.s3.S3Bucket;
import io.stowage.s3.S3Checksum;
import io.stowage.s3.S3Settings;
import io.stowage.server.testing.s3.S3Endpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Exports of an {@link Archive} to {@code s3://<bucket>/PREFIX} on a test's S3 server, run as a
 * person runs them, and the objects downloaded again to compare with a local export.
 */
final class S3Exports {
    static final String PREFIX = "lake/stowage";

    private final Archive archive;
    private final Path temp;
    private final String bucket;

    S3Exports(Archive archive, Path temp, String bucket) {
        this.archive = archive;
        this.temp = temp;
        this.bucket = bucket;
    }

    /** {@code stowage export ARGS --to s3://bucket/PREFIX} on the server at {@code at}. */
    Archive.Run export(S3Endpoint at, String... args) {
        String[] all = Stream.concat(Stream.of(args), Stream.of("--to", "s3://" + bucket + "/" + PREFIX,
                "--export-s3-endpoint", at.uri().toString(), "--export-s3-path-style", "true")).toArray(String[]::new);
        return archive.exportPrinting(opener(at), all);
    }

    /** Opens the export's bucket with the keys of the server at {@code at}. */
    static Function<S3Settings, S3Bucket> opener(S3Endpoint at) {
        return s -> S3Bucket.open(s, S3ExportTarget.NAMES, at.accessKey(), at.secretKey());
    }

    /** The digests of a local export of the same streams, as {@link #digests} gives them. */
    Map<String, String> local(String... args) throws IOException {
        Path dir = Files.createTempDirectory(temp, "local");
        String[] all = Stream.concat(Stream.of(args), Stream.of("--to", dir.toString())).toArray(String[]::new);
        if (archive.export(all) != 0) {
            throw new IllegalStateException("the local export failed");
        }
        return digests(dir);
    }

    /** Every object under PREFIX, written to a fresh directory at its path below the prefix. */
    Path download(S3Endpoint from) throws IOException {
        Path dir = Files.createTempDirectory(temp, "downloaded");
        S3Settings settings = new S3Settings(bucket, PREFIX, S3Endpoint.REGION, Optional.of(from.uri()), true,
                S3Checksum.MD5);
        try (S3Bucket b = S3Bucket.open(settings, S3ExportTarget.NAMES, from.accessKey(), from.secretKey())) {
            List<String> keys = new ArrayList<>();
            b.list(PREFIX + "/", e -> keys.add(e.key()));
            for (String key : keys) {
                Path file = dir.resolve(key.substring(PREFIX.length() + 1));
                Files.createDirectories(file.getParent());
                Files.write(file, b.get(key));
            }
        }
        return dir;
    }

    /** Path below {@code root} to the SHA-256 of the file's bytes. */
    static Map<String, String> digests(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                out.put(Partitions.relative(root, f), sha256(Files.readAllBytes(f)));
            }
        }
        return out;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
