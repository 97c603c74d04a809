package io.stowage.server.testing.s3;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * s3rver (the npm package), an S3-compatible server this project does not embed, run by the
 * tests as a node process on a free port, once per test JVM. It is installed with npm into
 * {@code ~/.cache/stowage-test} the first time. Without node and npm the tests that need it are
 * skipped, saying how to install them.
 */
public final class S3rverProcess {
    /** Pinned: the tests prove behaviour against this release. */
    public static final String VERSION = "3.7.1";
    /** s3rver's fixed credentials. */
    private static final String KEY = "S3RVER";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private static S3Endpoint endpoint;

    private S3rverProcess() {}

    /** The running s3rver, started on first use; skips the calling test when node or npm is missing. */
    public static synchronized S3Endpoint endpoint() {
        assumeTrue(onPath("node") && onPath("npm"), "s3rver tests need node and npm on the PATH; install them"
                + " (Debian/Ubuntu: apt-get install -y nodejs npm) or run .ci/run, which does");
        if (endpoint == null) {
            endpoint = start();
        }
        return endpoint;
    }

    private static S3Endpoint start() {
        try {
            Path script = install();
            Path data = Files.createTempDirectory("s3rver-data");
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Process node = new ProcessBuilder("node", script.toString(), "-d", data.toString(), "-a", "127.0.0.1",
                    "-p", String.valueOf(port), "--silent")
                    .redirectErrorStream(true).redirectOutput(data.resolveSibling(data.getFileName() + ".log").toFile())
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(node::destroy));
            awaitListening(node, port);
            return new S3Endpoint("s3rver " + VERSION, URI.create("http://127.0.0.1:" + port), KEY, KEY);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start s3rver: " + e.getMessage(), e);
        }
    }

    /** npm-installs the pinned s3rver once into the cache; returns its command-line script. */
    private static Path install() throws IOException {
        Path cache = Path.of(System.getProperty("user.home"), ".cache", "stowage-test");
        Path home = cache.resolve("s3rver-" + VERSION);
        Path script = home.resolve("node_modules/s3rver/bin/s3rver.js");
        if (Files.isRegularFile(script)) {
            return script;
        }
        Files.createDirectories(cache);
        Path staging = Files.createTempDirectory(cache, "s3rver-install");
        run(List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", staging.toString(), "s3rver@" + VERSION),
                staging.resolveSibling(staging.getFileName() + ".log"));
        try {
            Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            if (!Files.isRegularFile(script)) {
                throw e;
            }
            // another JVM installed it at the same time: use theirs
        }
        return script;
    }

    private static void run(List<String> command, Path log) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroy();
                throw new IOException(String.join(" ", command) + " failed; see " + log);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
    }

    private static void awaitListening(Process node, int port) throws IOException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!node.isAlive()) {
                throw new IOException("s3rver exited at start with status " + node.exitValue());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while waiting for s3rver", e);
                }
            }
        }
        node.destroy();
        throw new IOException("s3rver did not listen on port " + port + " within " + START_TIMEOUT);
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
