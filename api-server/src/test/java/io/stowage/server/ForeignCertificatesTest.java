package io.stowage.server;

import static io.stowage.server.testing.Msgs.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.testing.TlsTesting;
import io.stowage.api.v1.GetBatchRequest;
import io.stowage.api.v1.MessagesGrpc;
import io.stowage.api.v1.PutBatchRequest;
import io.stowage.server.testing.SecureChannels;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS with certificates this project did not make: gRPC's own test PKI (made with OpenSSL, shipped
 * in grpc-testing), where the other TLS tests use certificates made on the fly with Bouncy Castle.
 * The server reads them as an operator would give them, and a client of the same CA gets through.
 */
class ForeignCertificatesTest {
    static final Instant T = Instant.parse("2024-06-01T12:30:00Z");
    /** A name that gRPC's test server certificate holds (*.test.google.fr). */
    static final String AUTHORITY = "archive.test.google.fr";

    @TempDir
    Path dir;

    @Test
    void serverTakesOpenSslMadeFilesAndAcceptsOnlyClientsOfItsClientCa(TestInfo info) throws Exception {
        Path ca = copy("ca.pem");
        try (StowageServer stowage = SecureChannels.startServer(info.getDisplayName(), dir, Map.of(
                "STOWAGE_TLS_CERT", copy("server1.pem").toString(),
                "STOWAGE_TLS_KEY", copy("server1.key").toString(),
                "STOWAGE_TLS_CLIENT_CA", ca.toString()))) {

            assertThat(roundTrip(stowage.port(), ca, copy("client.pem"), copy("client.key"))).isEqualTo(1);
            assertThatThrownBy(() -> roundTrip(stowage.port(), ca, null, null))
                    .as("no client certificate").isInstanceOfSatisfying(StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        }
    }

    /** A PutBatch and a GetBatch over mutual TLS (or TLS alone without a client key); the messages got back. */
    private static int roundTrip(int port, Path ca, Path clientCert, Path clientKey) throws IOException {
        TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder().trustManager(ca.toFile());
        if (clientCert != null) {
            tls.keyManager(clientCert.toFile(), clientKey.toFile());
        }
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, tls.build())
                .overrideAuthority(AUTHORITY).build();
        try {
            MessagesGrpc.MessagesBlockingStub messages = MessagesGrpc.newBlockingStub(channel);
            messages.putBatch(PutBatchRequest.newBuilder().addMsgs(event("foreign-1", "src", "t", T, "x")).build());
            return messages.getBatch(GetBatchRequest.newBuilder().addIds("foreign-1").build()).getMsgsCount();
        } finally {
            SecureChannels.close(channel);
        }
    }

    private Path copy(String name) throws IOException {
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            try (InputStream in = TlsTesting.loadCert(name)) {
                Files.copy(in, file);
            }
        }
        return file;
    }
}
