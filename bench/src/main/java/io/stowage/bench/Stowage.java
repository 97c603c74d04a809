package io.stowage.bench;

import io.stowage.embedded.LocalS3;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs the stowage command as it is distributed (the cli jar and its lib directory, as
 * {@code bin/stowage} does), each in a JVM of its own so that its memory can be measured.
 */
final class Stowage {
    private static final String MAIN = "io.stowage.cli.Main";

    private final String classPath;
    private final Backends backends;
    private final Path logDir;

    Stowage(Path home, Backends backends, Path logDir) {
        this.classPath = snapshot(home, backends.dir().resolve("stowage-command"));
        this.backends = backends;
        this.logDir = logDir;
    }

    /**
     * Links (or copies) the built command, {@code cli/target/stowage-cli-*.jar} and
     * {@code cli/target/lib}, into {@code into}, and returns its class path there: a build that
     * runs meanwhile empties {@code cli/target/lib} and would pull classes from under the servers.
     */
    private static String snapshot(Path home, Path into) {
        Path target = home.resolve("cli").resolve("target");
        Path jar;
        try (Stream<Path> files = Files.list(target)) {
            jar = files.filter(p -> p.getFileName().toString().matches("stowage-cli-.*\\.jar")).findFirst()
                    .orElseThrow();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the stowage command is not built under " + target.toAbsolutePath()
                    + ": run 'make bench' (or 'make build') from the checkout, or pass --stowage-home", e);
        }
        Path lib = target.resolve("lib");
        if (!Files.isDirectory(lib)) {
            throw new IllegalStateException(lib + " is missing: run 'make build' first");
        }
        try {
            Files.createDirectories(into.resolve("lib"));
            link(jar, into.resolve(jar.getFileName()));
            try (Stream<Path> jars = Files.list(lib)) {
                for (Path j : (Iterable<Path>) jars::iterator) {
                    link(j, into.resolve("lib").resolve(j.getFileName()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not copy the stowage command into " + into, e);
        }
        return into.resolve(jar.getFileName()).toAbsolutePath() + java.io.File.pathSeparator
                + into.resolve("lib").toAbsolutePath() + "/*";
    }

    private static void link(Path from, Path to) throws IOException {
        try {
            Files.createLink(to, from);
        } catch (IOException | UnsupportedOperationException e) {
            Files.copy(from, to);
        }
    }

    /** Starts {@code stowage server} on PostgreSQL schema {@code schema} and {@code store}; waits until ready. */
    ServerProcess server(String name, String schema, Store store, String heap, List<String> extraJvmOptions) {
        return server(name, schema, store, heap, extraJvmOptions, Map.of());
    }

    /** Likewise, with {@code settings} (STOWAGE_* variables) for this server. */
    ServerProcess server(String name, String schema, Store store, String heap, List<String> extraJvmOptions,
            Map<String, String> settings) {
        int[] ports = freePorts(2);
        int grpcPort = ports[0];
        int httpPort = ports[1];
        Map<String, String> env = new HashMap<>();
        env.put("STOWAGE_GRPC_HOST", "127.0.0.1");
        env.put("STOWAGE_GRPC_PORT", String.valueOf(grpcPort));
        env.put("STOWAGE_HTTP_PORT", String.valueOf(httpPort));
        env.put("STOWAGE_DB_URL", backends.postgres().jdbcUrl());
        env.put("STOWAGE_DB_USER", backends.postgres().user());
        env.put("STOWAGE_DB_SCHEMA", schema);
        // the benchmarks measure writing and reading; a clean in the middle would measure itself
        env.put("STOWAGE_CLEAN_INTERVAL", "off");
        env.putAll(passedThrough("BENCH_SERVER_"));
        env.putAll(settings); // what a benchmark sets on purpose (B5's stored forms) wins over BENCH_SERVER_
        if (store instanceof Store.Directory d) {
            env.put("STOWAGE_DATA_DIR", d.path().toAbsolutePath().toString());
        } else if (store instanceof Store.Bucket b) {
            backends.createBucket(b.name());
            env.put("STOWAGE_DATA_DIR", backends.dir().resolve(name).toAbsolutePath().toString());
            env.put("STOWAGE_S3_BUCKET", b.name());
            env.put("STOWAGE_S3_ENDPOINT", backends.s3Endpoint());
            env.put("STOWAGE_S3_PATH_STYLE", "true");
            env.put("AWS_ACCESS_KEY_ID", LocalS3.ACCESS_KEY);
            env.put("AWS_SECRET_ACCESS_KEY", LocalS3.SECRET_KEY);
            env.put("AWS_REGION", LocalS3.REGION);
        }
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + heap));
        jvm.addAll(javaOpts(env));
        jvm.addAll(extraJvmOptions);
        ChildJvm process = ChildJvm.start(name, jvm, classPath, MAIN, List.of("server"), env, logDir);
        ServerProcess server = new ServerProcess(name, process, grpcPort, httpPort, schema, store);
        try {
            server.awaitReady();
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
        return server;
    }

    /** Starts {@code stowage ingest} archiving the topics matching {@code topics} into {@code server}. */
    ChildJvm ingest(String name, ServerProcess server, String topics, String group, int httpPort, String heap,
            List<String> extraJvmOptions) {
        Map<String, String> env = new HashMap<>();
        env.put("KAFKA_BOOTSTRAP_SERVERS", backends.bootstrapServers());
        env.put("STOWAGE_TOPICS", topics);
        env.put("STOWAGE_GROUP_ID", group);
        env.put("STOWAGE_SERVER", server.target());
        env.put("STOWAGE_HTTP_PORT", String.valueOf(httpPort));
        env.putAll(passedThrough("BENCH_WORKER_"));
        List<String> jvm = new ArrayList<>(List.of("-Xmx" + heap));
        jvm.addAll(javaOpts(env));
        jvm.addAll(extraJvmOptions);
        return ChildJvm.start(name, jvm, classPath, MAIN, List.of("ingest"), env, logDir);
    }

    /**
     * Settings for tuning experiments: {@code BENCH_WORKER_STOWAGE_LINGER=50ms} in the bench's
     * environment gives the worker {@code STOWAGE_LINGER=50ms} ({@code BENCH_SERVER_} for the server).
     */
    static Map<String, String> passedThrough(String prefix) {
        Map<String, String> env = new HashMap<>();
        System.getenv().forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                env.put(k.substring(prefix.length()), v);
            }
        });
        return env;
    }

    /**
     * {@code STOWAGE_JAVA_OPTS} of a child's environment ({@code BENCH_WORKER_STOWAGE_JAVA_OPTS=...}),
     * split into JVM options as the {@code stowage} launcher does, since the bench starts {@code java} itself.
     */
    static List<String> javaOpts(Map<String, String> env) {
        String opts = env.getOrDefault("STOWAGE_JAVA_OPTS", "").trim();
        return opts.isEmpty() ? List.of() : List.of(opts.split("\\s+"));
    }

    /** A port free now (taken by the child a moment later). */
    static int freePort() {
        return freePorts(1)[0];
    }

    /**
     * {@code count} different ports free now: all held open until each is known, since a port
     * closed and asked for again can come back the same (a server once got one port for its gRPC
     * and its HTTP endpoint, and refused to start).
     */
    static int[] freePorts(int count) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                held.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // closing a listening socket that accepted nothing does not fail in practice
                }
            }
        }
    }
}
