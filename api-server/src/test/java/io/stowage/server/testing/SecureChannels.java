package io.stowage.server.testing;

import io.grpc.ChannelCredentials;
import io.grpc.ClientInterceptor;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.TlsChannelCredentials;
import io.grpc.stub.MetadataUtils;
import io.stowage.embedded.LocalPostgres;
import io.stowage.server.StowageServer;
import io.stowage.server.config.JdbcTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Real servers over Netty with TLS and tokens as configured, and channels to them. */
public final class SecureChannels {
    private SecureChannels() {}

    /** A server on a free port of 127.0.0.1 over the embedded PostgreSQL, with {@code env} on top. */
    public static StowageServer startServer(String name, Path dataDir, Map<String, String> env) {
        Map<String, String> settings = new HashMap<>(Map.of("STOWAGE_GRPC_HOST", "127.0.0.1", "STOWAGE_GRPC_PORT", "0",
                "STOWAGE_HTTP_PORT", "0", "STOWAGE_DATA_DIR", dataDir.toString(),
                "STOWAGE_DB_SCHEMA", TestBackends.uniqueName(name), "STOWAGE_CLEAN_INTERVAL", "off",
                "STOWAGE_SHUTDOWN_GRACE", "1s"));
        settings.putAll(env);
        LocalPostgres pg = TestBackends.postgres();
        return StowageServer.start(TestBackends.config(settings), new JdbcTarget(pg.jdbcUrl(), pg.user(),
                pg.password()));
    }

    /** A TLS channel to 127.0.0.1:{@code port} trusting {@code ca}, presenting a client certificate when given. */
    public static ManagedChannel tls(int port, Path ca, Path clientCert, Path clientKey) {
        try {
            TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder().trustManager(ca.toFile());
            if (clientCert != null) {
                tls.keyManager(clientCert.toFile(), clientKey.toFile());
            }
            return channel(port, tls.build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ManagedChannel plaintext(int port) {
        return channel(port, InsecureChannelCredentials.create());
    }

    private static ManagedChannel channel(int port, ChannelCredentials credentials) {
        return Grpc.newChannelBuilderForAddress("127.0.0.1", port, credentials).build();
    }

    /** Sends {@code authorization: <value>} with each call. */
    public static ClientInterceptor authorization(String value) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), value);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    /** Sends {@code authorization: Bearer <token>} with each call. */
    public static ClientInterceptor bearer(String token) {
        return authorization("Bearer " + token);
    }

    public static void close(ManagedChannel channel) {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
