package io.stowage.server;

import static io.stowage.server.testing.Msgs.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.stowage.api.v1.GetBatchRequest;
import io.stowage.api.v1.MessagesGrpc;
import io.stowage.api.v1.PutBatchRequest;
import io.stowage.server.testing.SecureChannels;
import io.stowage.server.testing.TestPki;
import io.stowage.server.testing.TestPki.Issued;
import io.stowage.server.testing.TestPki.KeyKind;
import io.stowage.testing.Http;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The gRPC API over TLS and mutual TLS (or neither), on a real server over real storage. */
class TlsServerTest {
    static final Instant T = Instant.parse("2024-06-01T12:30:00Z");
    static final TestPki.Authority SERVER_CA = TestPki.authority("stowage test server ca");
    static final TestPki.Authority CLIENT_CA = TestPki.authority("stowage test client ca");
    static final TestPki.Authority STRANGER_CA = TestPki.authority("someone else's ca");

    @TempDir
    Path dir;

    @Test
    void aClientTrustingTheServersCaTalksTlsAndPlaintextIsRefused(TestInfo info) {
        Issued server = SERVER_CA.server("stowage", KeyKind.RSA);
        try (StowageServer stowage = SecureChannels.startServer(info.getDisplayName(), dir, Map.of(
                "STOWAGE_TLS_CERT", server.writeCertificate(dir.resolve("server.pem")).toString(),
                // PKCS#1, as cert-manager writes RSA keys by default
                "STOWAGE_TLS_KEY", server.writeTraditionalKey(dir.resolve("server-key.pem")).toString()))) {
            Path ca = SERVER_CA.writeCertificate(dir.resolve("ca.pem"));

            assertThat(call(stowage.port(), p -> SecureChannels.tls(p, ca, null, null))).isEqualTo(1);
            assertUnavailable(() -> call(stowage.port(), SecureChannels::plaintext));
            Path strangerCa = STRANGER_CA.writeCertificate(dir.resolve("stranger-ca.pem"));
            assertUnavailable(() -> call(stowage.port(), p -> SecureChannels.tls(p, strangerCa, null, null)));
            // the HTTP endpoint for probes and metrics stays plain HTTP
            assertThat(Http.get(stowage.httpPort(), "/readyz").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void mutualTlsAcceptsOnlyClientCertificatesOfTheClientCa(TestInfo info) {
        Issued server = SERVER_CA.server("stowage", KeyKind.EC);
        try (StowageServer stowage = SecureChannels.startServer(info.getDisplayName(), dir, Map.of(
                "STOWAGE_TLS_CERT", server.writeCertificate(dir.resolve("server.pem")).toString(),
                "STOWAGE_TLS_KEY", server.writeKey(dir.resolve("server-key.pem")).toString(),
                "STOWAGE_TLS_CLIENT_CA", CLIENT_CA.writeCertificate(dir.resolve("client-ca.pem")).toString()))) {
            Path ca = SERVER_CA.writeCertificate(dir.resolve("ca.pem"));
            Issued known = CLIENT_CA.client("ingest-worker");
            Path knownCert = known.writeCertificate(dir.resolve("known.pem"));
            Path knownKey = known.writeKey(dir.resolve("known-key.pem"));
            Issued unknown = STRANGER_CA.client("ingest-worker");
            Path unknownCert = unknown.writeCertificate(dir.resolve("unknown.pem"));
            Path unknownKey = unknown.writeKey(dir.resolve("unknown-key.pem"));

            assertThat(call(stowage.port(), p -> SecureChannels.tls(p, ca, knownCert, knownKey))).isEqualTo(1);
            assertUnavailable(() -> call(stowage.port(), p -> SecureChannels.tls(p, ca, unknownCert, unknownKey)));
            assertUnavailable(() -> call(stowage.port(), p -> SecureChannels.tls(p, ca, null, null)));
            assertUnavailable(() -> call(stowage.port(), SecureChannels::plaintext));
        }
    }

    @Test
    void aServerWithoutTokensWarnsThatItsApiIsOpen(TestInfo info) {
        Logger logger = (Logger) LoggerFactory.getLogger(StowageServer.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        try (StowageServer stowage = SecureChannels.startServer(info.getDisplayName(), dir, Map.of())) {
            assertThat(call(stowage.port(), SecureChannels::plaintext)).isEqualTo(1);
        } finally {
            logger.detachAppender(logged);
        }

        assertThat(logged.list).filteredOn(e -> e.getLevel() == Level.WARN).extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(m -> assertThat(m).startsWith("STOWAGE_TOKENS_FILE is not set: the gRPC API is open"));
        assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage)
                .anySatisfy(m -> assertThat(m).contains("(plaintext, no TLS; open: no tokens required)"));
    }

    /** A health check, a PutBatch and a GetBatch over a new channel; the number of messages got back. */
    private static int call(int port, Function<Integer, ManagedChannel> open) {
        ManagedChannel channel = open.apply(port);
        try {
            assertThat(HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance()).getStatus())
                    .isEqualTo(ServingStatus.SERVING);
            MessagesGrpc.MessagesBlockingStub messages = MessagesGrpc.newBlockingStub(channel);
            messages.putBatch(PutBatchRequest.newBuilder().addMsgs(event("tls-1", "src", "t", T, "secret")).build());
            return messages.getBatch(GetBatchRequest.newBuilder().addIds("tls-1").build()).getMsgsCount();
        } finally {
            SecureChannels.close(channel);
        }
    }

    private static void assertUnavailable(org.assertj.core.api.ThrowableAssert.ThrowingCallable call) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
    }
}
